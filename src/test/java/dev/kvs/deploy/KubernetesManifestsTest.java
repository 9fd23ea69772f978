package dev.kvs.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kvs.config.KvsConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The deployment files agree with the service they deploy: {@code k8s/} (the kustomize base and
 * its overlays), the {@code Dockerfile} and the Jib image of {@code pom.xml}. Every document is read
 * into the typed Kubernetes model (fabric8; NetworkPolicy into a strict model of its own here), so
 * a misspelt field fails here rather than on a cluster, and every cross-reference is checked
 * against the code itself: the port, routes and settings the service really has, read through its
 * own {@link KvsConfig}.
 *
 * <p>The base is assembled from its kustomization here. The overlays are rendered with {@code
 * kubectl kustomize} when kubectl is on the PATH (those cases are skipped otherwise); their files
 * are checked one by one in any case.
 */
class KubernetesManifestsTest {
  private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  private static final Path K8S = ROOT.resolve("k8s");
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  /** The first admin token: authentication is on, and without one the service refuses to start. */
  private static final String ADMIN_TOKEN = "KVS_ADMIN_TOKEN";
  /** When set, health and metrics are served on this port only, not on the API port. */
  private static final String MANAGEMENT_PORT = "KVS_MANAGEMENT_PORT";

  /**
   * Secrets the manifests read and no object in k8s/ defines: the operator creates them (a
   * committed value would be a known credential), with these keys.
   */
  private static final Map<String, Set<String>> SECRETS_CREATED_BY_THE_OPERATOR = Map.of("kvs-admin", Set.of("token"));

  /** Kinds that are not built into Kubernetes, and the operators they need. */
  private static final Set<String> CUSTOM_KINDS = Set.of(
      "postgresql.cnpg.io/v1 Cluster", // CloudNativePG
      "monitoring.coreos.com/v1 PodMonitor"); // Prometheus operator

  /** A built-in kind whose fabric8 model is not a test dependency: read into {@link NetworkPolicy} here. */
  private static final String NETWORK_POLICY = "networking.k8s.io/v1 NetworkPolicy";

  /** Labels CloudNativePG puts on every instance pod of a Cluster (among others), by the Cluster's name. */
  private static Map<String, String> cnpgInstanceLabels(String cluster) {
    return Map.of("cnpg.io/cluster", cluster, "cnpg.io/podRole", "instance");
  }

  /** The instance manager's port on every CloudNativePG pod; the operator calls it. */
  private static final int CNPG_INSTANCE_MANAGER_PORT = 8000;
  /** Where the NetworkPolicies expect Prometheus, the CloudNativePG operator and the cluster DNS. */
  private static final String MONITORING_NAMESPACE = "monitoring";
  private static final String CNPG_OPERATOR_NAMESPACE = "cnpg-system";
  private static final String DNS_NAMESPACE = "kube-system";

  /** Keys CloudNativePG writes into the Secret {@code <cluster>-app} of a Cluster. */
  private static final Set<String> CNPG_APP_SECRET_KEYS = Set.of("username", "password", "host", "port",
      "dbname", "uri", "jdbc-uri", "pgpass", "fqdn-uri", "fqdn-jdbc-uri");

  /** Connections one replica holds besides its pool: LISTEN and the background pool (Flyway closes its own first). */
  private static final int CONNECTIONS_BESIDES_POOL = dev.kvs.config.DatabaseConfig.CONNECTIONS_BESIDES_POOL;
  /** Connections PostgreSQL keeps from KVS: superuser_reserved_connections and the operator's own. */
  private static final int CONNECTIONS_KEPT_FREE = 10;
  private static final int POSTGRES_DEFAULT_MAX_CONNECTIONS = 100;

  /** The overlay that runs KVS in clustered mode (KVS_CLUSTER=hazelcast); every other set runs it standalone. */
  private static final String CLUSTERED = "overlays/clustered";
  /** The container ports of clustered mode: Hazelcast's member port and the event bus's, by name. */
  private static final String HAZELCAST_PORT = "hazelcast";
  private static final String EVENT_BUS_PORT = "eventbus";
  /** The label of every pod of the cluster, KVS's and consumers': what the clustered NetworkPolicy admits. */
  private static final Map.Entry<String, String> CLUSTER_MEMBER_LABEL = Map.entry("kvs-cluster-member", "true");
  /** The domain of Service DNS names, {@code <service>.<namespace>.svc.<domain>} (the overlay assumes the default). */
  private static final String CLUSTER_DOMAIN = "cluster.local";

  /** Container-level flag Jib needs and the Dockerfile does not (its jar's manifest says it). */
  private static final String NATIVE_ACCESS_FLAG = "--enable-native-access=ALL-UNNAMED";

  private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

  // ---------------------------------------------------------------------------------------------
  // The files themselves

  @Test
  void kustomizationsNameFilesThatExistAndEveryFileIsUsed() throws IOException {
    List<Path> kustomizations = yamlFiles(K8S).stream()
        .filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList();
    assertTrue(kustomizations.contains(K8S.resolve("base/kustomization.yaml")), "k8s/base/kustomization.yaml");
    for (Path kustomization : kustomizations) {
      Path dir = kustomization.getParent();
      JsonNode k = YAML.readTree(kustomization.toFile());
      Set<Path> used = new TreeSet<>();
      for (JsonNode resource : k.path("resources")) {
        Path p = dir.resolve(resource.asString()).normalize();
        assertTrue(Files.isRegularFile(p) || Files.isRegularFile(p.resolve("kustomization.yaml")),
            rel(kustomization) + " lists " + resource.asString() + ", which is neither a file nor a kustomization");
        used.add(p);
      }
      for (JsonNode patch : k.path("patches")) {
        if (patch.has("path")) {
          Path p = dir.resolve(patch.get("path").asString()).normalize();
          assertTrue(Files.isRegularFile(p), rel(kustomization) + " patches with a missing file: " + p);
          used.add(p);
        }
      }
      try (Stream<Path> siblings = Files.list(dir)) {
        for (Path file : siblings.filter(KubernetesManifestsTest::isYaml).toList()) {
          assertTrue(file.equals(kustomization) || used.contains(file),
              rel(file) + " is not listed in " + rel(kustomization) + ": it would never be applied");
        }
      }
    }
  }

  @Test
  void everyDocumentReadsIntoTheKubernetesModelWithoutUnknownFields() throws IOException {
    int documents = 0;
    Set<Path> patches = patchFiles();
    for (Path file : yamlFiles(K8S)) {
      if (file.getFileName().toString().equals("kustomization.yaml")) {
        JsonNode k = YAML.readTree(file.toFile());
        assertEquals("Kustomization", k.path("kind").asString(), rel(file));
        for (JsonNode patch : k.path("patches")) {
          if (patch.has("patch")) {
            documents += checkDocuments(parse(patch.get("patch").asString()), rel(file) + " (inline patch)", true);
          }
        }
      } else {
        documents += checkDocuments(parse(Files.readString(file)), rel(file), patches.contains(file));
      }
    }
    assertTrue(documents >= 10, "read only " + documents + " documents under k8s/");
  }

  /** @param patch a strategic-merge patch, which may carry directives ($patch: delete) */
  private static int checkDocuments(List<HasMetadata> docs, String where, boolean patch) {
    assertFalse(docs.isEmpty(), where + " holds no Kubernetes object");
    for (HasMetadata doc : docs) {
      String type = doc.getApiVersion() + " " + doc.getKind();
      if (type.equals(NETWORK_POLICY)) {
        NetworkPolicy.of(doc, where);
      } else if (doc instanceof GenericKubernetesResource) {
        // Built-in kinds come out typed; a kind that does not is misspelt or in the wrong API group.
        assertTrue(CUSTOM_KINDS.contains(type), where + ": " + type + " is neither a built-in kind nor a known custom one");
      } else {
        assertNoUnknownFields(doc, where + ": " + type + " " + doc.getMetadata().getName(), patch);
      }
      assertNotNull(doc.getMetadata().getName(), where + ": " + type + " without a name");
    }
    return docs.size();
  }

  @Test
  void overlayPatchesTargetObjectsOfTheBase() throws IOException {
    Set<String> inBase = manifests("base").objects().stream().map(KubernetesManifestsTest::id).collect(Collectors.toSet());
    for (String overlay : List.of("overlays/dev", "overlays/prod", "overlays/clustered")) {
      Path kustomization = K8S.resolve(overlay).resolve("kustomization.yaml");
      JsonNode k = YAML.readTree(kustomization.toFile());
      int patches = 0;
      for (JsonNode patch : k.path("patches")) {
        String text = patch.has("path")
            ? Files.readString(kustomization.getParent().resolve(patch.get("path").asString()))
            : patch.get("patch").asString();
        for (HasMetadata target : parse(text)) {
          assertTrue(inBase.contains(id(target)), rel(kustomization) + " patches " + id(target) + ", which the base does not have");
          patches++;
        }
      }
      for (JsonNode replicas : k.path("replicas")) {
        assertTrue(inBase.contains("Deployment/" + replicas.path("name").asString()), rel(kustomization) + " sets replicas of " + replicas);
      }
      assertTrue(patches > 0, rel(kustomization) + " patches nothing");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The rendered objects against the code (base always; overlays when kubectl can render them)

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void theContainerPortIsThePortTheServiceListensOn(String set) {
    Manifests m = manifests(set);
    KvsConfig config = m.serviceConfig();
    ContainerPort http = m.port("http");
    assertEquals(config.http().port(), http.getContainerPort(), set + ": containerPort http vs KVS_HTTP_PORT (or its default)");
    int management = m.port("management").getContainerPort();
    assertFalse(management == http.getContainerPort(), set + ": the management port is not the API port");
    assertEquals(Integer.toString(management), m.podAnnotations().get("prometheus.io/port"), set + ": prometheus.io/port is the management port");
    assertEquals("true", m.podAnnotations().get("prometheus.io/scrape"), set + ": prometheus.io/scrape");
  }

  /**
   * KVS_MANAGEMENT_PORT comes from the ConfigMap and is the container's port {@code management}.
   * (Read from the environment the pod gets rather than through KvsConfig, which reads it only once
   * the code for the issue "namespaces, tokens, admin API, auth on by default" is in; from then on
   * theSettingsPassTheServicesOwnValidation also runs the value through the service's own checks.)
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void theConfigMapSetsTheManagementPortTheContainerOpens(String set) {
    Manifests m = manifests(set);
    int management = m.port("management").getContainerPort();
    String fromConfigMap = m.container().getEnvFrom().stream()
        .flatMap(from -> m.all(ConfigMap.class).stream().filter(c -> name(c).equals(from.getConfigMapRef().getName())))
        .map(c -> c.getData().get(MANAGEMENT_PORT)).filter(v -> v != null).findFirst()
        .orElseThrow(() -> new AssertionError(set + ": no ConfigMap of the container sets " + MANAGEMENT_PORT));
    assertEquals(Integer.toString(management), fromConfigMap, set + ": " + MANAGEMENT_PORT + " in the ConfigMap vs containerPort management");
    assertEquals(fromConfigMap, m.environment().get(MANAGEMENT_PORT), set + ": nothing in env overrides the ConfigMap's " + MANAGEMENT_PORT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void probesAndScrapesUseRoutesTheServiceServes(String set) throws IOException {
    Manifests m = manifests(set);
    Container c = m.container();
    Set<String> routes = openApiPaths();
    assertNotNull(c.getStartupProbe(), set + ": a startup probe covers the migrations before the port opens");
    int management = m.port("management").getContainerPort();
    for (Probe probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
      HTTPGetAction get = probe.getHttpGet();
      assertNotNull(get, set + ": probes are HTTP GETs");
      assertTrue(routes.contains(get.getPath()), set + ": probe path " + get.getPath() + " is not a route of the service " + routes);
      // With KVS_MANAGEMENT_PORT set, /health/* is not served on the API port at all.
      assertEquals(management, portOfContainer(m, get.getPort(), set + ": probe port").getContainerPort(),
          set + ": probe of " + get.getPath() + " on the management port");
    }
    // Liveness must not depend on the database: an outage would restart every replica at once.
    assertEquals("/health/live", c.getLivenessProbe().getHttpGet().getPath(), set + ": liveness");
    assertEquals("/health/ready", c.getReadinessProbe().getHttpGet().getPath(), set + ": readiness");
    String metrics = m.podAnnotations().get("prometheus.io/path");
    assertTrue(routes.contains(metrics), set + ": prometheus.io/path " + metrics + " is not a route of the service");
    for (GenericKubernetesResource monitor : m.custom("PodMonitor")) {
      List<Map<String, Object>> endpoints = monitor.get("spec", "podMetricsEndpoints");
      assertFalse(endpoints == null || endpoints.isEmpty(), set + ": PodMonitor " + name(monitor) + " scrapes nothing");
      for (Map<String, Object> endpoint : endpoints) {
        assertTrue(routes.contains((String) endpoint.get("path")), set + ": PodMonitor path " + endpoint.get("path"));
        assertEquals("management", endpoint.get("port"), set + ": PodMonitor scrapes the container port management");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void servicesAndPoliciesSelectThePods(String set) {
    Manifests m = manifests(set);
    Deployment d = m.deployment();
    Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
    assertSelects(d.getSpec().getSelector(), podLabels, set + ": Deployment selector");
    int management = m.port("management").getContainerPort();
    assertFalse(m.all(Service.class).isEmpty(), set + ": a Service for the API");
    for (Service service : m.all(Service.class)) {
      Map<String, String> selector = service.getSpec().getSelector();
      assertFalse(selector == null || selector.isEmpty(), set + ": Service " + name(service) + " selects nothing");
      assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), set + ": Service " + name(service) + " selects " + selector + ", pods are " + podLabels);
      // A headless Service carries no traffic: in clustered mode one lists the members for discovery.
      boolean headless = "None".equals(service.getSpec().getClusterIP());
      for (ServicePort port : service.getSpec().getPorts()) {
        ContainerPort target = portOfContainer(m, port.getTargetPort(), set + ": Service " + name(service) + " targetPort");
        // Health and metrics stay off every Service: probes and Prometheus reach the pods directly.
        assertFalse(target.getContainerPort() == management || port.getPort() == management,
            set + ": Service " + name(service) + " exposes the management port " + management);
        if (headless) {
          assertTrue(Set.of(HAZELCAST_PORT, EVENT_BUS_PORT).contains(target.getName()),
              set + ": headless Service " + name(service) + " lists the cluster ports only, not " + target.getName());
        } else {
          assertEquals("http", target.getName(), set + ": Service " + name(service) + " exposes the API port only");
        }
      }
    }
    for (TopologySpreadConstraint spread : d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()) {
      assertSelects(spread.getLabelSelector(), podLabels, set + ": topology spread over " + spread.getTopologyKey());
    }
    for (PodDisruptionBudget pdb : m.all(PodDisruptionBudget.class)) {
      assertSelects(pdb.getSpec().getSelector(), podLabels, set + ": PodDisruptionBudget " + name(pdb));
    }
    for (HorizontalPodAutoscaler hpa : m.all(HorizontalPodAutoscaler.class)) {
      var target = hpa.getSpec().getScaleTargetRef();
      assertEquals("apps/v1 Deployment " + name(d), target.getApiVersion() + " " + target.getKind() + " " + target.getName(),
          set + ": HorizontalPodAutoscaler " + name(hpa) + " scales");
    }
    for (GenericKubernetesResource monitor : m.custom("PodMonitor")) {
      Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
      assertFalse(selector == null || selector.isEmpty(), set + ": PodMonitor " + name(monitor) + " selects nothing");
      assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), set + ": PodMonitor " + name(monitor) + " selects " + selector + ", pods are " + podLabels);
    }
    Map<String, String> instanceLabels = cnpgInstanceLabels(m.cluster().name());
    for (NetworkPolicy policy : m.networkPolicies()) {
      LabelSelector selector = policy.spec().podSelector();
      assertFalse(selector == null || selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty(),
          set + ": NetworkPolicy " + policy.name() + " names the pods it selects");
      boolean kvs = NetworkPolicy.selects(selector, podLabels);
      boolean db = NetworkPolicy.selects(selector, instanceLabels);
      assertTrue(kvs ^ db, set + ": NetworkPolicy " + policy.name() + " selects " + selector.getMatchLabels()
          + ": either the KVS pods " + podLabels + " or the PostgreSQL pods " + instanceLabels + ", one of them");
    }
  }

  /**
   * The NetworkPolicies let through what the service needs and nothing else: the API from the
   * namespace and the ingress controller, health and metrics from the monitoring namespace only,
   * KVS out to PostgreSQL and DNS only, PostgreSQL reachable from KVS, its own instances and the
   * CloudNativePG operator only. Checked twice: with sample pods through the policies' semantics,
   * and rule by rule (every rule names its ports and peers), so that a rule admitting more than the
   * samples probe still fails.
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void networkPoliciesLetThroughOnlyWhatTheServiceNeeds(String set) {
    Manifests m = manifests(set);
    String ns = m.namespace();
    Network network = new Network(m.networkPolicies(), ns);
    int http = m.port("http").getContainerPort();
    int management = m.port("management").getContainerPort();
    int postgres = m.serviceConfig().database().port();
    Set<Integer> clusterPorts = m.clusterPorts();
    int instanceManager = CNPG_INSTANCE_MANAGER_PORT;
    Map<String, Integer> kvsPorts = m.container().getPorts().stream()
        .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
    SamplePod kvs = new SamplePod(ns, m.deployment().getSpec().getTemplate().getMetadata().getLabels(), kvsPorts);
    SamplePod instance = new SamplePod(ns, cnpgInstanceLabels(m.cluster().name()));
    SamplePod neighbour = new SamplePod(ns, Map.of("app.kubernetes.io/name", "some-client"));
    SamplePod ingressController = new SamplePod("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));
    SamplePod prometheus = new SamplePod(MONITORING_NAMESPACE, Map.of("app.kubernetes.io/name", "prometheus"));
    SamplePod operator = new SamplePod(CNPG_OPERATOR_NAMESPACE, Map.of("app.kubernetes.io/name", "cloudnative-pg"));
    SamplePod dns = new SamplePod(DNS_NAMESPACE, Map.of("k8s-app", "kube-dns"));
    SamplePod stranger = new SamplePod("elsewhere", Map.of("app.kubernetes.io/name", "some-client"));

    assertTrue(network.isolated(kvs, "Ingress") && network.isolated(kvs, "Egress"), set + ": a NetworkPolicy isolates the KVS pods both ways");
    assertTrue(network.isolated(instance, "Ingress"), set + ": a NetworkPolicy isolates the PostgreSQL pods' ingress");

    // What must get through.
    assertTrue(network.allows(neighbour, kvs, "TCP", http), set + ": a pod of the namespace calls the API");
    assertTrue(network.allows(ingressController, kvs, "TCP", http), set + ": the ingress controller calls the API");
    assertTrue(network.allows(prometheus, kvs, "TCP", management), set + ": Prometheus scrapes the management port");
    assertTrue(network.allows(kvs, instance, "TCP", postgres), set + ": KVS reaches PostgreSQL on " + postgres);
    assertTrue(network.allows(kvs, dns, "UDP", 53) && network.allows(kvs, dns, "TCP", 53), set + ": KVS resolves names (UDP and TCP 53)");
    assertTrue(network.allows(instance, instance, "TCP", postgres), set + ": the instances replicate");
    assertTrue(network.allows(operator, instance, "TCP", instanceManager), set + ": the operator reaches the instance manager");
    assertTrue(network.allows(operator, instance, "TCP", postgres), set + ": the operator reaches PostgreSQL");

    // What must not.
    for (SamplePod other : List.of(neighbour, ingressController, stranger, kvs, instance, operator)) {
      assertFalse(network.allows(other, kvs, "TCP", management), set + ": " + other + " reaches the management port");
    }
    assertFalse(network.allows(stranger, kvs, "TCP", http), set + ": a pod of another namespace calls the API");
    for (SamplePod other : List.of(neighbour, ingressController, prometheus, stranger)) {
      assertFalse(network.allows(other, instance, "TCP", postgres), set + ": " + other + " reaches PostgreSQL");
    }
    assertFalse(network.allows(kvs, instance, "TCP", instanceManager), set + ": KVS reaches the instance manager");
    assertFalse(network.allows(kvs, neighbour, "TCP", http), set + ": KVS opens connections to other pods");
    assertFalse(network.allows(kvs, stranger, "TCP", 443), set + ": KVS opens connections elsewhere");

    // Rule by rule. KVS ingress: the API port and the management port only (by number or by the
    // container port's name), the latter from the monitoring namespace only; in clustered mode the
    // cluster ports too, from cluster members only.
    for (NetworkPolicy.Rule rule : network.rules(kvs, "Ingress")) {
      assertRuleNamesPeersAndPorts(rule, set + ": KVS ingress rule " + rule);
      for (NetworkPolicy.Port port : rule.ports()) {
        Integer number = NetworkPolicy.number(port, kvsPorts);
        assertTrue(port.endPort() == null && "TCP".equals(NetworkPolicy.protocol(port)) && (Integer.valueOf(http).equals(number)
            || Integer.valueOf(management).equals(number) || clusterPorts.contains(number)),
            set + ": KVS pods are open on " + port + ", beyond TCP " + http + ", " + management + " and the cluster ports " + clusterPorts);
        if (clusterPorts.contains(number)) {
          for (NetworkPolicy.Peer peer : rule.peers()) {
            assertTrue(admitsClusterMembersOnly(peer, kvs.labels()), set + ": the cluster port " + number + " admits " + peer + ", beyond cluster members");
          }
        }
        if (Integer.valueOf(management).equals(number)) {
          for (NetworkPolicy.Peer peer : rule.peers()) {
            assertEquals(MONITORING_NAMESPACE, NetworkPolicy.namespaceNamed(peer.namespaceSelector()),
                set + ": the management port admits " + peer + ", beyond the namespace " + MONITORING_NAMESPACE);
          }
        }
      }
    }
    // KVS egress: PostgreSQL's pods on its port, DNS in kube-system; in clustered mode the other
    // cluster members on the cluster ports.
    for (NetworkPolicy.Rule rule : network.rules(kvs, "Egress")) {
      assertRuleNamesPeersAndPorts(rule, set + ": KVS egress rule " + rule);
      for (NetworkPolicy.Port port : rule.ports()) {
        Integer number = NetworkPolicy.number(port, Map.of());
        assertNull(port.endPort(), set + ": KVS egress to a port range " + port);
        for (NetworkPolicy.Peer peer : rule.peers()) {
          if (clusterPorts.contains(number) && "TCP".equals(NetworkPolicy.protocol(port))) {
            assertTrue(admitsClusterMembersOnly(peer, kvs.labels()), set + ": KVS egress on the cluster port " + number + " to " + peer + ", beyond cluster members");
          } else if (Integer.valueOf(53).equals(number)) {
            assertEquals(DNS_NAMESPACE, NetworkPolicy.namespaceNamed(peer.namespaceSelector()), set + ": DNS egress to " + peer);
          } else {
            assertEquals(postgres + "/TCP", number + "/" + NetworkPolicy.protocol(port), set + ": KVS egress to " + port + ", beyond PostgreSQL and DNS");
            assertTrue(peer.namespaceSelector() == null && hasLabels(peer.podSelector())
                && NetworkPolicy.selects(peer.podSelector(), instance.labels()) && !NetworkPolicy.selects(peer.podSelector(), kvs.labels()),
                set + ": KVS egress on " + postgres + " to " + peer + ", beyond the Cluster's pods");
          }
        }
      }
    }
    // PostgreSQL ingress: PostgreSQL's port and the instance manager's, from KVS (PostgreSQL only),
    // the instances and the operator's namespace; never every pod of a namespace.
    for (NetworkPolicy.Rule rule : network.rules(instance, "Ingress")) {
      assertRuleNamesPeersAndPorts(rule, set + ": PostgreSQL ingress rule " + rule);
      Set<Integer> numbers = new TreeSet<>();
      for (NetworkPolicy.Port port : rule.ports()) {
        Integer number = NetworkPolicy.number(port, Map.of());
        assertTrue(port.endPort() == null && "TCP".equals(NetworkPolicy.protocol(port))
            && (Integer.valueOf(postgres).equals(number) || Integer.valueOf(instanceManager).equals(number)),
            set + ": PostgreSQL pods are open on " + port + ", beyond TCP " + postgres + " and " + instanceManager);
        numbers.add(number);
      }
      for (NetworkPolicy.Peer peer : rule.peers()) {
        boolean operatorNamespace = CNPG_OPERATOR_NAMESPACE.equals(NetworkPolicy.namespaceNamed(peer.namespaceSelector()));
        boolean podsHere = peer.namespaceSelector() == null && hasLabels(peer.podSelector());
        boolean selectsKvs = podsHere && NetworkPolicy.selects(peer.podSelector(), kvs.labels());
        boolean selectsInstances = podsHere && NetworkPolicy.selects(peer.podSelector(), instance.labels());
        assertTrue(operatorNamespace || selectsKvs ^ selectsInstances,
            set + ": PostgreSQL admits " + peer + ": only KVS, the Cluster's pods and the operator's namespace " + CNPG_OPERATOR_NAMESPACE);
        assertFalse(selectsKvs && numbers.contains(instanceManager), set + ": KVS admitted to the instance manager by " + rule);
      }
    }
  }

  /**
   * Whether a peer of a rule admits cluster members only: pods of the policy's own namespace whose
   * labels include the member label, or the KVS pods' name label (so every pod it matches is one).
   */
  private static boolean admitsClusterMembersOnly(NetworkPolicy.Peer peer, Map<String, String> kvsLabels) {
    if (peer.ipBlock() != null || peer.namespaceSelector() != null || !hasLabels(peer.podSelector())) {
      return false;
    }
    Set<Map.Entry<String, String>> match = peer.podSelector().getMatchLabels().entrySet();
    String nameLabel = "app.kubernetes.io/name";
    return match.contains(CLUSTER_MEMBER_LABEL)
        || kvsLabels.containsKey(nameLabel) && match.contains(Map.entry(nameLabel, kvsLabels.get(nameLabel)));
  }

  /**
   * Clustered mode: the cluster ports (Hazelcast's and the event bus's) connect cluster members, KVS
   * pods and labelled consumer pods of the namespace, both ways, and nothing else; a standalone KVS
   * opens neither. The policies' rules are held to this one by one in
   * networkPoliciesLetThroughOnlyWhatTheServiceNeeds.
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void theClusterPortsConnectClusterMembersOnly(String set) {
    Manifests m = manifests(set);
    String ns = m.namespace();
    Network network = new Network(m.networkPolicies(), ns);
    Map<String, Integer> kvsPorts = m.container().getPorts().stream()
        .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
    Map<String, String> kvsLabels = m.deployment().getSpec().getTemplate().getMetadata().getLabels();
    SamplePod kvs = new SamplePod(ns, kvsLabels, kvsPorts);
    Map<String, String> consumerLabels = Map.ofEntries(Map.entry("app.kubernetes.io/name", "orders"), CLUSTER_MEMBER_LABEL);
    SamplePod consumer = new SamplePod(ns, consumerLabels);
    SamplePod neighbour = new SamplePod(ns, Map.of("app.kubernetes.io/name", "some-client"));
    SamplePod memberElsewhere = new SamplePod("elsewhere", consumerLabels);
    SamplePod ingressController = new SamplePod("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));
    SamplePod instance = new SamplePod(ns, cnpgInstanceLabels(m.cluster().name()));
    Set<Integer> clusterPorts = m.clusterPorts();
    if (!set.equals(CLUSTERED)) {
      assertTrue(clusterPorts.isEmpty(), set + ": a standalone KVS opens no cluster port " + clusterPorts);
      for (int port : List.of(5701, 5702)) {
        for (SamplePod other : List.of(kvs, consumer, neighbour)) {
          assertFalse(network.allows(other, kvs, "TCP", port), set + ": " + other + " reaches KVS on " + port);
          assertFalse(network.allows(kvs, other, "TCP", port), set + ": KVS reaches " + other + " on " + port);
        }
      }
      return;
    }
    assertEquals(2, clusterPorts.size(), set + ": Hazelcast's port and the event bus's are two ports " + clusterPorts);
    assertTrue(kvsLabels.entrySet().contains(CLUSTER_MEMBER_LABEL), set + ": the KVS pods carry the member label " + CLUSTER_MEMBER_LABEL);
    for (int port : clusterPorts) {
      // What must get through: member to member, both ways.
      assertTrue(network.allows(kvs, kvs, "TCP", port), set + ": KVS replicas reach each other on " + port);
      assertTrue(network.allows(consumer, kvs, "TCP", port), set + ": a consumer pod reaches KVS on " + port);
      assertTrue(network.allows(kvs, consumer, "TCP", port), set + ": KVS reaches a consumer pod on " + port);
      // What must not: pods that are no members, members of another namespace, other protocols.
      for (SamplePod other : List.of(neighbour, memberElsewhere, ingressController, instance)) {
        assertFalse(network.allows(other, kvs, "TCP", port), set + ": " + other + " reaches KVS on the cluster port " + port);
        assertFalse(network.allows(kvs, other, "TCP", port), set + ": KVS reaches " + other + " on the cluster port " + port);
      }
      assertFalse(network.allows(consumer, kvs, "UDP", port), set + ": UDP " + port + " from a consumer");
    }
    // Membership opens the cluster ports, nothing else of a consumer's.
    assertFalse(network.allows(kvs, consumer, "TCP", m.port("http").getContainerPort()), set + ": KVS opens connections to a consumer's other ports");
    assertFalse(network.allows(consumer, kvs, "TCP", m.port("management").getContainerPort()), set + ": a consumer reaches the management port");
  }

  /**
   * Clustered mode's discovery: the headless Service lists every KVS pod, ready or not, on exactly
   * the ports the container opens for Hazelcast and the event bus, under the DNS name the service is
   * told to look up, and the pods advertise their own address.
   */
  @Test
  void theHeadlessServiceListsTheClusterMembers() {
    Manifests m = manifests(CLUSTERED);
    KvsConfig config = m.serviceConfig();
    var cluster = config.cluster();
    Map<String, String> podLabels = m.deployment().getSpec().getTemplate().getMetadata().getLabels();
    List<Service> headless = m.all(Service.class).stream().filter(s -> "None".equals(s.getSpec().getClusterIP())).toList();
    assertEquals(1, headless.size(), CLUSTERED + ": one headless Service for member discovery");
    Service members = headless.get(0);
    String what = CLUSTERED + ": Service " + name(members);
    assertEquals(Boolean.TRUE, members.getSpec().getPublishNotReadyAddresses(),
        what + " lists pods before they are ready (readiness follows the database; members must find each other first)");
    Map<String, String> selector = members.getSpec().getSelector();
    assertFalse(selector == null || selector.isEmpty(), what + " selects nothing");
    assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), what + " selects " + selector + ", the KVS pods are " + podLabels);

    // The ports: the container's hazelcast and eventbus ports, which are the ports the service uses.
    ContainerPort hazelcast = m.port(HAZELCAST_PORT);
    ContainerPort eventBus = m.port(EVENT_BUS_PORT);
    assertEquals(cluster.port(), hazelcast.getContainerPort(), CLUSTERED + ": containerPort " + HAZELCAST_PORT + " vs KVS_CLUSTER_PORT");
    assertEquals(cluster.busPort(), eventBus.getContainerPort(), CLUSTERED + ": containerPort " + EVENT_BUS_PORT + " vs KVS_CLUSTER_BUS_PORT");
    Map<String, Integer> listed = new TreeMap<>();
    for (ServicePort port : members.getSpec().getPorts()) {
      ContainerPort target = portOfContainer(m, port.getTargetPort(), what + " targetPort");
      assertEquals(target.getContainerPort(), port.getPort(), what + ": port " + port.getName() + " is the container's own number");
      assertTrue("TCP".equals(port.getProtocol()) || port.getProtocol() == null, what + ": port " + port.getName() + " is TCP");
      assertNull(listed.put(target.getName(), target.getContainerPort()), what + " lists " + target.getName() + " twice");
    }
    assertEquals(new TreeMap<>(Map.of(HAZELCAST_PORT, cluster.port(), EVENT_BUS_PORT, cluster.busPort())), listed,
        what + " lists exactly the cluster ports");

    // The name the service looks up is this Service's, in the namespace the objects go to.
    String dns = name(members) + "." + m.namespace() + ".svc." + CLUSTER_DOMAIN;
    assertEquals(dns, cluster.kubernetesService(), CLUSTERED + ": KVS_CLUSTER_KUBERNETES_SERVICE names the headless Service");
    assertTrue(cluster.members().isEmpty(), CLUSTERED + ": DNS discovery, no KVS_CLUSTER_MEMBERS list");
    assertEquals(m.namespace(), members.getMetadata().getNamespace(), CLUSTERED + ": the overlay states its namespace");

    // Members bind and advertise the pod's address; the bus port is pinned (0 would be random).
    var host = m.env("KVS_CLUSTER_HOST").getValueFrom();
    assertNotNull(host == null ? null : host.getFieldRef(), CLUSTERED + ": KVS_CLUSTER_HOST comes from the downward API");
    assertEquals("status.podIP", host.getFieldRef().getFieldPath(), CLUSTERED + ": KVS_CLUSTER_HOST is the pod's IP");
    assertFalse(cluster.busPort() == 0, CLUSTERED + ": KVS_CLUSTER_BUS_PORT is pinned");
    assertFalse(cluster.bridge(), CLUSTERED + ": no SockJS event bus bridge on the API port");
    assertTrue(podLabels.entrySet().contains(CLUSTER_MEMBER_LABEL), CLUSTERED + ": the KVS pods carry the member label " + CLUSTER_MEMBER_LABEL);
  }

  private static void assertRuleNamesPeersAndPorts(NetworkPolicy.Rule rule, String what) {
    assertFalse(rule.peers().isEmpty(), what + " admits every peer");
    assertFalse(rule.ports().isEmpty(), what + " admits every port");
    for (NetworkPolicy.Peer peer : rule.peers()) {
      assertNull(peer.ipBlock(), what + ": an ipBlock (the policies here name pods and namespaces)");
      assertFalse(peer.podSelector() == null && peer.namespaceSelector() == null, what + ": an empty peer");
    }
    for (NetworkPolicy.Port port : rule.ports()) {
      assertNotNull(port.port(), what + ": every port of a protocol");
    }
  }

  private static boolean hasLabels(LabelSelector selector) {
    return selector != null && selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void everyVariableSetIsOneTheServiceReads(String set) throws IOException {
    Manifests m = manifests(set);
    Set<String> read = namesTheCodeReads();
    Set<String> unknown = new TreeSet<>(m.environment().keySet());
    unknown.removeAll(read);
    assertTrue(unknown.isEmpty(), set + ": the service reads none of " + unknown + " (it reads " + read + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void theSettingsPassTheServicesOwnValidation(String set) {
    Manifests m = manifests(set);
    // Throws IllegalArgumentException, naming the variable, for any value the service would refuse at start.
    KvsConfig config = m.serviceConfig();
    Cluster cluster = m.cluster();
    // The URI CloudNativePG writes names the primary's Service, the bootstrap database and its owner.
    assertEquals(cluster.name() + "-rw." + m.namespace(), config.database().host(), set + ": database host");
    assertEquals(cluster.database(), config.database().database(), set + ": database");
    assertEquals(cluster.owner(), config.database().user(), set + ": database user");
    // Clustered mode is the clustered overlay's alone; the other sets run standalone processes.
    assertEquals(set.equals(CLUSTERED), config.cluster().enabled(), set + ": KVS_CLUSTER=hazelcast");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void secretsReferencedExistWithTheirKeys(String set) {
    Manifests m = manifests(set);
    Cluster cluster = m.cluster();
    Map<String, Set<String>> secrets = new HashMap<>();
    for (Secret secret : m.all(Secret.class)) {
      Set<String> keys = new TreeSet<>();
      if (secret.getData() != null) {
        keys.addAll(secret.getData().keySet());
      }
      if (secret.getStringData() != null) {
        keys.addAll(secret.getStringData().keySet());
      }
      secrets.put(name(secret), keys);
    }
    secrets.put(cluster.name() + "-app", CNPG_APP_SECRET_KEYS);
    secrets.putAll(SECRETS_CREATED_BY_THE_OPERATOR);
    int refs = 0;
    for (EnvVar env : m.container().getEnv()) {
      SecretKeySelector ref = env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
      if (ref == null) {
        continue;
      }
      assertTrue(secrets.containsKey(ref.getName()), set + ": " + env.getName() + " reads Secret " + ref.getName() + ", which nothing defines " + secrets.keySet());
      assertTrue(secrets.get(ref.getName()).contains(ref.getKey()), set + ": Secret " + ref.getName() + " has no key " + ref.getKey());
      refs++;
    }
    SecretKeySelector db = m.env("KVS_DB_URL").getValueFrom().getSecretKeyRef();
    assertEquals(cluster.name() + "-app/uri", db.getName() + "/" + db.getKey(), set + ": KVS_DB_URL comes from the Cluster's app Secret");
    assertEquals(2, refs, set + ": Secret references");
    for (EnvFromSource from : m.container().getEnvFrom()) {
      assertNotNull(from.getConfigMapRef(), set + ": envFrom takes ConfigMaps only");
      assertTrue(m.all(ConfigMap.class).stream().anyMatch(c -> name(c).equals(from.getConfigMapRef().getName())),
          set + ": envFrom ConfigMap " + from.getConfigMapRef().getName() + " is not defined");
    }
  }

  /**
   * The admin token is the operator's to create: no manifest holds it (a committed value would be
   * the same known admin credential wherever the manifests are applied), and the pod does not start
   * without it (auth is on by default and the service refuses to start without an admin token).
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void theAdminTokenIsRequiredAndNotCommitted(String set) {
    Manifests m = manifests(set);
    EnvVar admin = m.env(ADMIN_TOKEN);
    assertNull(admin.getValue(), set + ": " + ADMIN_TOKEN + " has no literal value");
    SecretKeySelector ref = admin.getValueFrom() == null ? null : admin.getValueFrom().getSecretKeyRef();
    assertNotNull(ref, set + ": " + ADMIN_TOKEN + " comes from a Secret");
    assertEquals("kvs-admin/token", ref.getName() + "/" + ref.getKey(), set + ": " + ADMIN_TOKEN + "'s Secret and key");
    assertEquals(Boolean.FALSE, ref.getOptional(), set + ": " + ADMIN_TOKEN + " is a required secretKeyRef (optional: false, written out)");
    assertTrue(SECRETS_CREATED_BY_THE_OPERATOR.containsKey(ref.getName()), set + ": the operator creates " + ref.getName());
    assertTrue(m.all(Secret.class).stream().noneMatch(s -> name(s).equals(ref.getName())),
        set + ": the Secret " + ref.getName() + " is not defined in k8s/ (the operator creates it)");
  }

  /** No file under k8s/ commits a Secret, nor has kustomize generate one from a committed value. */
  @Test
  void noSecretIsCommitted() throws IOException {
    for (Path file : yamlFiles(K8S)) {
      if (file.getFileName().toString().equals("kustomization.yaml")) {
        JsonNode k = YAML.readTree(file.toFile());
        assertTrue(k.path("secretGenerator").isMissingNode(), rel(file) + " generates a Secret from committed values");
      } else {
        for (HasMetadata doc : parse(Files.readString(file))) {
          assertFalse(doc instanceof Secret, rel(file) + " commits the Secret " + name(doc));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void shutdownDrainsWithinTheTerminationGracePeriod(String set) {
    Manifests m = manifests(set);
    var preStop = m.container().getLifecycle() == null ? null : m.container().getLifecycle().getPreStop();
    assertNotNull(preStop, set + ": a preStop pause lets endpoint removal reach the proxies before SIGTERM");
    assertNotNull(preStop.getSleep(), set + ": preStop is the kubelet's sleep action (needs nothing in the image)");
    long preStopMs = preStop.getSleep().getSeconds() * 1000L;
    long graceMs = m.serviceConfig().shutdownGraceMs();
    long terminationMs = m.pod().getTerminationGracePeriodSeconds() * 1000L;
    assertTrue(preStopMs >= 1000, set + ": preStop sleep of " + preStopMs + " ms");
    assertTrue(terminationMs > preStopMs + graceMs,
        set + ": terminationGracePeriodSeconds (" + terminationMs + " ms) must exceed preStop (" + preStopMs
            + " ms) + KVS_SHUTDOWN_GRACE_MS (" + graceMs + " ms), or the kubelet kills the drain");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void thePodRunsLockedDown(String set) {
    Manifests m = manifests(set);
    PodSpec pod = m.pod();
    Container c = m.container();
    var podSecurity = pod.getSecurityContext();
    var security = c.getSecurityContext();
    assertEquals(Boolean.TRUE, podSecurity.getRunAsNonRoot(), set + ": runAsNonRoot");
    assertNotNull(podSecurity.getRunAsUser(), set + ": a numeric runAsUser");
    assertTrue(podSecurity.getRunAsUser() > 0, set + ": runAsUser is not root");
    assertEquals("RuntimeDefault", podSecurity.getSeccompProfile().getType(), set + ": seccomp profile");
    assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation(), set + ": allowPrivilegeEscalation");
    assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem(), set + ": readOnlyRootFilesystem");
    assertTrue(security.getCapabilities().getDrop().contains("ALL"), set + ": capabilities dropped");
    assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), set + ": no API token mounted");
    assertEquals(Boolean.FALSE, pod.getEnableServiceLinks(), set + ": no service-link variables among the KVS_* settings");
    // With a read-only root, /tmp is where Netty unpacks its native library and Vert.x caches files.
    VolumeMount tmp = c.getVolumeMounts().stream().filter(v -> v.getMountPath().equals("/tmp")).findFirst()
        .orElseThrow(() -> new AssertionError(set + ": nothing writable mounted at /tmp"));
    assertFalse(Boolean.TRUE.equals(tmp.getReadOnly()), set + ": /tmp is writable");
    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst()
        .orElseThrow(() -> new AssertionError(set + ": volume " + tmp.getName() + " is not defined"));
    assertNotNull(volume.getEmptyDir(), set + ": /tmp is an emptyDir");
    assertNotNull(c.getResources().getLimits().get("memory"), set + ": a memory limit (the JVM sizes its heap from it)");
    assertNotNull(c.getResources().getLimits().get("cpu"), set + ": a CPU limit (the JVM counts its event loops from it)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/clustered"})
  void replicasFitThePostgresConnectionLimit(String set) {
    Manifests m = manifests(set);
    List<HorizontalPodAutoscaler> hpas = m.all(HorizontalPodAutoscaler.class);
    Deployment d = m.deployment();
    int maxReplicas;
    if (hpas.isEmpty()) {
      maxReplicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    } else {
      HorizontalPodAutoscaler hpa = hpas.get(0);
      // A replica count in the Deployment would be put back by every apply and fight the autoscaler.
      assertNull(d.getSpec().getReplicas(), set + ": the HorizontalPodAutoscaler owns the replica count");
      assertTrue(hpa.getSpec().getMinReplicas() >= 2, set + ": at least two replicas");
      maxReplicas = hpa.getSpec().getMaxReplicas();
      for (PodDisruptionBudget pdb : m.all(PodDisruptionBudget.class)) {
        IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
        IntOrString minAvailable = pdb.getSpec().getMinAvailable();
        boolean drainable = maxUnavailable != null
            ? maxUnavailable.getIntVal() != null && maxUnavailable.getIntVal() >= 1
            : minAvailable.getIntVal() != null && minAvailable.getIntVal() < hpa.getSpec().getMinReplicas();
        assertTrue(drainable, set + ": PodDisruptionBudget " + name(pdb) + " lets a node drain evict a replica");
      }
    }
    int perReplica = m.serviceConfig().database().poolSize() + CONNECTIONS_BESIDES_POOL;
    int maxConnections = m.cluster().maxConnections();
    assertTrue(maxReplicas * perReplica <= maxConnections - CONNECTIONS_KEPT_FREE,
        set + ": " + maxReplicas + " replicas x " + perReplica + " connections exceed max_connections "
            + maxConnections + " less " + CONNECTIONS_KEPT_FREE + " kept free");
  }

  // ---------------------------------------------------------------------------------------------
  // The image the manifests run is the image the build makes

  @Test
  void theImageMatchesTheDockerfileAndJib() throws Exception {
    Manifests base = manifests("base");
    Pom pom = Pom.read(ROOT.resolve("pom.xml"));
    Element jib = pom.plugin("jib-maven-plugin");
    String jibImage = pom.resolve(text(jib, "configuration", "to", "image"));
    assertEquals("kvs:" + pom.version(), jibImage, "Jib's default image");
    assertEquals(jibImage, base.container().getImage(), "the base Deployment runs the image the build tags (k8s/base/deployment.yaml)");
    assertEquals(dev.kvs.Main.class.getName(), pom.resolve(text(jib, "configuration", "container", "mainClass")), "Jib main class");

    Dockerfile docker = Dockerfile.read(ROOT.resolve("Dockerfile"));
    assertEquals(docker.arg("JRE_IMAGE"), text(jib, "configuration", "from", "image"), "Dockerfile and Jib base image");
    int uid = base.pod().getSecurityContext().getRunAsUser().intValue();
    assertEquals(uid + ":" + uid, docker.single("USER"), "Dockerfile USER is the pod's runAsUser");
    assertEquals(uid + ":" + uid, text(jib, "configuration", "container", "user"), "Jib user is the pod's runAsUser");
    int port = base.port("http").getContainerPort();
    assertEquals(Integer.toString(port), docker.single("EXPOSE"), "Dockerfile EXPOSE is the container port");
    // `docker run` sets nothing: the image exposes the port the service listens on by default.
    assertEquals(Integer.toString(KvsConfig.fromEnv(Map.of()).http().port()), docker.single("EXPOSE"), "Dockerfile EXPOSE is KVS_HTTP_PORT's default");
    assertEquals(Integer.toString(port), text(jib, "configuration", "container", "ports", "port"), "Jib port is the container port");

    List<String> entrypoint = List.of(YAML.readValue(docker.single("ENTRYPOINT"), String[].class));
    assertEquals("java", entrypoint.get(0), "exec-form ENTRYPOINT, java as PID 1");
    List<String> dockerFlags = entrypoint.subList(1, entrypoint.indexOf("-jar"));
    List<String> jibFlags = new ArrayList<>(texts(jib, "jvmFlag"));
    assertTrue(jibFlags.remove(NATIVE_ACCESS_FLAG), "Jib runs a classpath: it needs " + NATIVE_ACCESS_FLAG);
    assertEquals(dockerFlags, jibFlags, "the same JVM flags in the Dockerfile and in Jib");
    assertTrue(dockerFlags.stream().anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage=")), "heap sized from the memory limit");
    assertTrue(executions(jib).isEmpty(), "Jib is bound to no phase: verify builds no image");
  }

  // ---------------------------------------------------------------------------------------------
  // Loading

  /** One set of objects as kubectl would apply it, and the service's view of it. */
  record Manifests(String set, List<HasMetadata> objects) {
    /**
     * Where the checks pretend the objects live (a CloudNativePG URI names the namespace) when the
     * set states none: the base and the dev and prod overlays go into the namespace of kubectl's
     * context.
     */
    static final String NAMESPACE = "kvs-test";

    /** Downward API fields the container reads, with sample values. */
    private static final Map<String, String> POD_FIELDS = Map.of("status.podIP", "10.244.1.17");

    /** The namespace the objects go to: the one the set states (the same for all), or {@link #NAMESPACE}. */
    String namespace() {
      Set<String> stated = objects.stream().map(o -> o.getMetadata().getNamespace()).filter(n -> n != null)
          .collect(Collectors.toCollection(TreeSet::new));
      assertTrue(stated.size() <= 1, set + ": objects in several namespaces " + stated);
      long unstated = objects.stream().filter(o -> o.getMetadata().getNamespace() == null).count();
      assertTrue(stated.isEmpty() || unstated == 0, set + ": some objects state the namespace " + stated + ", " + unstated + " do not");
      return stated.isEmpty() ? NAMESPACE : stated.iterator().next();
    }

    /** The ports of clustered mode (Hazelcast's and the event bus's) when it is on, else none. */
    Set<Integer> clusterPorts() {
      var cluster = serviceConfig().cluster();
      return cluster.enabled() ? new TreeSet<>(List.of(cluster.port(), cluster.busPort())) : Set.of();
    }

    <T> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<GenericKubernetesResource> custom(String kind) {
      return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
    }

    Deployment deployment() {
      List<Deployment> all = all(Deployment.class);
      assertEquals(1, all.size(), set + ": one Deployment");
      return all.get(0);
    }

    PodSpec pod() {
      return deployment().getSpec().getTemplate().getSpec();
    }

    Map<String, String> podAnnotations() {
      Map<String, String> a = deployment().getSpec().getTemplate().getMetadata().getAnnotations();
      return a == null ? Map.of() : a;
    }

    Container container() {
      assertEquals(1, pod().getContainers().size(), set + ": one container");
      return pod().getContainers().get(0);
    }

    ContainerPort port(String name) {
      return container().getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
          .orElseThrow(() -> new AssertionError(set + ": no container port named " + name));
    }

    EnvVar env(String name) {
      return container().getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError(set + ": the container does not set " + name));
    }

    Cluster cluster() {
      List<GenericKubernetesResource> all = custom("Cluster");
      assertEquals(1, all.size(), set + ": one CloudNativePG Cluster");
      return new Cluster(all.get(0));
    }

    /**
     * The container's environment as the kubelet builds it: the ConfigMaps of envFrom, then env
     * (which wins). A value from a Secret is a stand-in, except the one CloudNativePG writes for the
     * database, which is built the way the operator builds it; one from the downward API is a sample.
     */
    Map<String, String> environment() {
      Map<String, String> env = new LinkedHashMap<>();
      Container c = container();
      for (EnvFromSource from : c.getEnvFrom()) {
        if (from.getConfigMapRef() != null) {
          all(ConfigMap.class).stream().filter(m -> name(m).equals(from.getConfigMapRef().getName()))
              .forEach(m -> env.putAll(m.getData()));
        }
      }
      Cluster cluster = cluster();
      for (EnvVar e : c.getEnv()) {
        SecretKeySelector ref = e.getValueFrom() == null ? null : e.getValueFrom().getSecretKeyRef();
        var field = e.getValueFrom() == null ? null : e.getValueFrom().getFieldRef();
        if (ref != null && ref.getName().equals(cluster.name() + "-app") && ref.getKey().equals("uri")) {
          env.put(e.getName(), cluster.appUri(namespace()));
        } else if (field != null) {
          assertTrue(POD_FIELDS.containsKey(field.getFieldPath()), set + ": " + e.getName() + " reads the pod's " + field.getFieldPath());
          env.put(e.getName(), POD_FIELDS.get(field.getFieldPath()));
        } else if (e.getValue() != null) {
          env.put(e.getName(), e.getValue());
        } else {
          env.put(e.getName(), standIn(ref));
        }
      }
      return env;
    }

    /**
     * A value for a variable from a Secret the checks cannot see: shaped like the admin token the
     * documented command makes ("kvs_" and 43 base64url characters), so that it passes a length or
     * format check the service may apply to KVS_ADMIN_TOKEN.
     */
    private static String standIn(SecretKeySelector ref) {
      String what = ref == null ? "elsewhere" : ref.getName() + "/" + ref.getKey();
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(what.getBytes(StandardCharsets.UTF_8));
        return "kvs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }

    /** The NetworkPolicies, read into this test's strict model of the kind. */
    List<NetworkPolicy> networkPolicies() {
      return objects.stream().filter(o -> NETWORK_POLICY.equals(o.getApiVersion() + " " + o.getKind()))
          .map(o -> NetworkPolicy.of(o, set)).toList();
    }

    /** The service's configuration in this pod, through the service's own reader. */
    KvsConfig serviceConfig() {
      return KvsConfig.fromEnv(environment());
    }
  }

  /** A CloudNativePG Cluster, as far as KVS depends on it. */
  record Cluster(GenericKubernetesResource resource) {
    String name() {
      return resource.getMetadata().getName();
    }

    String database() {
      return resource.get("spec", "bootstrap", "initdb", "database");
    }

    String owner() {
      return resource.get("spec", "bootstrap", "initdb", "owner");
    }

    int maxConnections() {
      Object v = resource.get("spec", "postgresql", "parameters", "max_connections");
      return v == null ? POSTGRES_DEFAULT_MAX_CONNECTIONS : Integer.parseInt(v.toString());
    }

    /** The {@code uri} key of the Secret {@code <name>-app}, as the operator writes it. */
    String appUri(String namespace) {
      return "postgresql://" + owner() + ":s3cr3tPassw0rd@" + name() + "-rw." + namespace + ":5432/" + database();
    }
  }

  /**
   * networking.k8s.io/v1 NetworkPolicy, read strictly: an unknown or misspelt field fails, as in the
   * fabric8 kinds. fabric8's model of this kind (kubernetes-model-networking) is not among the test
   * dependencies; these records hold every field of the v1 kind, with fabric8's own LabelSelector,
   * IntOrString and ObjectMeta inside (checked for unknown fields as the other kinds are).
   */
  record NetworkPolicy(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {
    private static final YAMLMapper STRICT = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    record Spec(LabelSelector podSelector, List<String> policyTypes, List<IngressRule> ingress, List<EgressRule> egress) {}

    record IngressRule(List<Peer> from, List<Port> ports) {}

    record EgressRule(List<Peer> to, List<Port> ports) {}

    record Peer(LabelSelector podSelector, LabelSelector namespaceSelector, IpBlock ipBlock) {}

    record IpBlock(String cidr, List<String> except) {}

    record Port(String protocol, IntOrString port, Integer endPort) {}

    /** One rule of either direction: the peers (from or to) and the ports, each empty for "all". */
    record Rule(List<Peer> peers, List<Port> ports) {
      Rule {
        peers = peers == null ? List.of() : peers;
        ports = ports == null ? List.of() : ports;
      }
    }

    static NetworkPolicy of(HasMetadata doc, String where) {
      String what = where + ": NetworkPolicy " + doc.getMetadata().getName();
      NetworkPolicy policy;
      try {
        policy = STRICT.convertValue(doc, NetworkPolicy.class);
      } catch (RuntimeException e) {
        throw new AssertionError(what + ": " + e.getMessage(), e);
      }
      assertNoUnknownFields(policy, what, false);
      assertNotNull(policy.spec(), what + ": no spec");
      assertNotNull(policy.spec().podSelector(), what + ": no podSelector (required; {} selects every pod)");
      for (String type : policy.types()) {
        assertTrue(Set.of("Ingress", "Egress").contains(type), what + ": policyType " + type);
      }
      return policy;
    }

    String name() {
      return metadata.getName();
    }

    /** The policy types as the API server defaults them: Ingress, and Egress if there are egress rules. */
    List<String> types() {
      if (spec.policyTypes() != null && !spec.policyTypes().isEmpty()) {
        return spec.policyTypes();
      }
      return spec.egress() == null ? List.of("Ingress") : List.of("Ingress", "Egress");
    }

    List<Rule> rules(String type) {
      return type.equals("Ingress")
          ? (spec.ingress() == null ? List.<Rule>of() : spec.ingress().stream().map(r -> new Rule(r.from(), r.ports())).toList())
          : (spec.egress() == null ? List.<Rule>of() : spec.egress().stream().map(r -> new Rule(r.to(), r.ports())).toList());
    }

    /** matchLabels only (the policies here use nothing else); no labels select every pod. */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
      assertTrue(selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty(),
          "NetworkPolicy selectors use matchLabels only: " + selector);
      Map<String, String> match = selector.getMatchLabels();
      return match == null || labels.entrySet().containsAll(match.entrySet());
    }

    /** The namespace a namespaceSelector names by its kubernetes.io/metadata.name label, or null. */
    static String namespaceNamed(LabelSelector selector) {
      Map<String, String> match = selector == null ? null : selector.getMatchLabels();
      return match == null || match.size() != 1 ? null : match.get("kubernetes.io/metadata.name");
    }

    /** Whether this peer of a policy in {@code namespace} admits the pod (an ipBlock: maybe, so yes). */
    static boolean admits(Peer peer, String namespace, SamplePod pod) {
      if (peer.ipBlock() != null) {
        return true;
      }
      boolean inNamespace = peer.namespaceSelector() == null
          ? pod.namespace().equals(namespace)
          : selects(peer.namespaceSelector(), Map.of("kubernetes.io/metadata.name", pod.namespace()));
      return inNamespace && (peer.podSelector() == null || selects(peer.podSelector(), pod.labels()));
    }

    /** The port number a rule's port names, resolved against the destination's named ports; null if unknown. */
    static Integer number(Port port, Map<String, Integer> namedPorts) {
      if (port.port() == null) {
        return null;
      }
      return port.port().getIntVal() != null ? port.port().getIntVal() : namedPorts.get(port.port().getStrVal());
    }

    static String protocol(Port port) {
      return port.protocol() == null ? "TCP" : port.protocol();
    }

    static boolean admits(Port port, String protocol, int number, Map<String, Integer> namedPorts) {
      if (!protocol(port).equals(protocol)) {
        return false;
      }
      if (port.port() == null) {
        return true;
      }
      Integer first = number(port, namedPorts);
      if (first == null) {
        return false;
      }
      return port.endPort() == null ? first == number : first <= number && number <= port.endPort();
    }
  }

  /** A pod as the policies see it: its namespace, labels and named ports. */
  record SamplePod(String namespace, Map<String, String> labels, Map<String, Integer> namedPorts) {
    SamplePod(String namespace, Map<String, String> labels) {
      this(namespace, labels, Map.of());
    }
  }

  /**
   * The NetworkPolicies of one namespace, evaluated as a network plugin does: a pod that some policy
   * of a type selects is isolated in that direction, and then only what a rule of one of the policies
   * selecting it admits gets through; traffic needs both the source's egress and the
   * destination's ingress. Pods of other namespaces are selected by none of these policies.
   */
  record Network(List<NetworkPolicy> policies, String namespace) {
    List<NetworkPolicy> selecting(SamplePod pod) {
      return pod.namespace().equals(namespace)
          ? policies.stream().filter(p -> NetworkPolicy.selects(p.spec().podSelector(), pod.labels())).toList()
          : List.of();
    }

    boolean isolated(SamplePod pod, String type) {
      return selecting(pod).stream().anyMatch(p -> p.types().contains(type));
    }

    /** The rules, of the policies that select the pod and have the type, that apply to it. */
    List<NetworkPolicy.Rule> rules(SamplePod pod, String type) {
      return selecting(pod).stream().filter(p -> p.types().contains(type)).flatMap(p -> p.rules(type).stream()).toList();
    }

    boolean allows(SamplePod from, SamplePod to, String protocol, int port) {
      boolean out = !isolated(from, "Egress") || rules(from, "Egress").stream().anyMatch(r -> admits(r, to, to, protocol, port));
      boolean in = !isolated(to, "Ingress") || rules(to, "Ingress").stream().anyMatch(r -> admits(r, from, to, protocol, port));
      return out && in;
    }

    private boolean admits(NetworkPolicy.Rule rule, SamplePod peer, SamplePod destination, String protocol, int port) {
      boolean peers = rule.peers().isEmpty() || rule.peers().stream().anyMatch(p -> NetworkPolicy.admits(p, namespace, peer));
      boolean ports = rule.ports().isEmpty()
          || rule.ports().stream().anyMatch(p -> NetworkPolicy.admits(p, protocol, port, destination.namedPorts()));
      return peers && ports;
    }
  }

  static Manifests manifests(String set) {
    return RENDERED.computeIfAbsent(set, s -> {
      try {
        return s.equals("base") ? assembleBase() : renderWithKubectl(s);
      } catch (IOException e) {
        throw new AssertionError("cannot read k8s/" + s, e);
      }
    });
  }

  /** The base is plain resources, no transformers: its objects are the documents of its files. */
  private static Manifests assembleBase() throws IOException {
    Path kustomization = K8S.resolve("base/kustomization.yaml");
    JsonNode k = YAML.readTree(kustomization.toFile());
    for (String transformer : List.of("patches", "images", "replicas", "namePrefix", "nameSuffix", "namespace", "labels", "commonLabels")) {
      assertFalse(k.has(transformer), "the base uses " + transformer + ": render it with kustomize instead");
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (JsonNode resource : k.path("resources")) {
      objects.addAll(parse(Files.readString(kustomization.getParent().resolve(resource.asString()))));
    }
    return new Manifests("base", objects);
  }

  private static Manifests renderWithKubectl(String set) throws IOException {
    Path kubectl = onPath("kubectl");
    Assumptions.assumeTrue(kubectl != null, "kubectl is not on the PATH: k8s/" + set + " is checked file by file only");
    Process process = new ProcessBuilder(kubectl.toString(), "kustomize", K8S.resolve(set).toString())
        .redirectError(ProcessBuilder.Redirect.PIPE).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("kubectl kustomize k8s/" + set + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    assertEquals(0, process.exitValue(), "kubectl kustomize k8s/" + set + ": " + err);
    return new Manifests(set, parse(out));
  }

  /** Every document of a YAML stream, typed where the kind is built in, generic otherwise. */
  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (KubernetesResource r : YAML.readerFor(KubernetesResource.class).<KubernetesResource>readValues(yaml).readAll()) {
      if (r != null) {
        out.add(assertInstanceOf(HasMetadata.class, r, "a Kubernetes object"));
      }
    }
    return out;
  }

  /**
   * The model keeps fields it does not know in additionalProperties instead of failing: walk the
   * object and insist there are none, so that a misspelt field (readinesProbe) is an error.
   */
  private static void assertNoUnknownFields(Object node, String where, boolean patch) {
    if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean || node instanceof Enum<?>) {
      return;
    }
    if (node instanceof Iterable<?> items) {
      items.forEach(item -> assertNoUnknownFields(item, where, patch));
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.values().forEach(value -> assertNoUnknownFields(value, where, patch));
      return;
    }
    if (node instanceof Record record) {
      // This test's own models (NetworkPolicy), which hold fabric8 ones (LabelSelector, ObjectMeta).
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        try {
          assertNoUnknownFields(component.getAccessor().invoke(record), where, patch);
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(where + ": " + component, e);
        }
      }
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(where + ": " + getter, e);
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        Set<String> unknown = value == null ? Set.of() : ((Map<?, ?>) value).keySet().stream().map(Object::toString)
            .filter(key -> !(patch && key.startsWith("$"))).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(unknown.isEmpty(), where + ": unknown fields " + unknown + " in " + node.getClass().getSimpleName());
      } else {
        assertNoUnknownFields(value, where, patch);
      }
    }
  }

  private static void assertSelects(LabelSelector selector, Map<String, String> podLabels, String what) {
    assertNotNull(selector, what + ": no selector");
    Map<String, String> match = selector.getMatchLabels();
    assertFalse(match == null || match.isEmpty(), what + ": selects nothing");
    assertTrue(selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty(), what + ": matchLabels only");
    assertTrue(podLabels.entrySet().containsAll(match.entrySet()), what + " " + match + " does not match the pods " + podLabels);
  }

  /** The container port a probe or a Service names, by name or number. */
  private static ContainerPort portOfContainer(Manifests m, IntOrString port, String what) {
    assertNotNull(port, what);
    if (port.getStrVal() != null) {
      return m.port(port.getStrVal());
    }
    return m.container().getPorts().stream().filter(p -> p.getContainerPort().equals(port.getIntVal())).findFirst()
        .orElseThrow(() -> new AssertionError(what + " " + port.getIntVal() + " is not a container port"));
  }

  /** Environment variable names the service reads: string literals in the code, ${...} in its resources. */
  static Set<String> namesTheCodeReads() throws IOException {
    Set<String> names = new TreeSet<>();
    Pattern literal = Pattern.compile("\"((?:KVS|PG)[A-Z0-9_]*)\"");
    Pattern placeholder = Pattern.compile("\\$\\{((?:KVS|PG)[A-Z0-9_]*)");
    try (Stream<Path> files = Files.walk(ROOT.resolve("src/main"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Matcher matcher = (file.toString().endsWith(".java") ? literal : placeholder).matcher(Files.readString(file));
        while (matcher.find()) {
          names.add(matcher.group(1));
        }
      }
    }
    assertTrue(names.containsAll(Set.of("KVS_HTTP_PORT", "KVS_DB_URL", "KVS_LOG_LEVEL", "PGHOST")), "the scan finds the names: " + names);
    return names;
  }

  /** The routes of the service, from its OpenAPI document (OpenApiIT holds it equal to the router). */
  static Set<String> openApiPaths() throws IOException {
    Set<String> paths = new TreeSet<>();
    YAML.readTree(ROOT.resolve("src/main/resources/openapi.yaml").toFile()).path("paths").propertyNames().forEach(paths::add);
    assertTrue(paths.contains("/metrics"), "openapi.yaml paths: " + paths);
    return paths;
  }

  private static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(KubernetesManifestsTest::isYaml).sorted().toList();
    }
  }

  /** The files some kustomization applies as patches (rather than as resources). */
  private static Set<Path> patchFiles() throws IOException {
    Set<Path> patches = new TreeSet<>();
    for (Path file : yamlFiles(K8S)) {
      if (file.getFileName().toString().equals("kustomization.yaml")) {
        for (JsonNode patch : YAML.readTree(file.toFile()).path("patches")) {
          if (patch.has("path")) {
            patches.add(file.getParent().resolve(patch.get("path").asString()).normalize());
          }
        }
      }
    }
    return patches;
  }

  private static boolean isYaml(Path p) {
    String n = p.getFileName().toString();
    return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
  }

  private static Path onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static String id(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getName();
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }

  private static String rel(Path p) {
    return ROOT.relativize(p).toString();
  }

  // ---------------------------------------------------------------------------------------------
  // pom.xml and Dockerfile, read just far enough

  record Pom(Document doc, Map<String, String> properties) {
    static Pom read(Path file) throws Exception {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = factory.newDocumentBuilder().parse(file.toFile());
      Map<String, String> properties = new HashMap<>();
      Element props = child(doc.getDocumentElement(), "properties");
      for (Node n = props.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e) {
          properties.put(e.getTagName(), e.getTextContent().trim());
        }
      }
      properties.put("project.version", child(doc.getDocumentElement(), "version").getTextContent().trim());
      return new Pom(doc, properties);
    }

    String version() {
      return properties.get("project.version");
    }

    /** Maven's ${...} interpolation, for the pom's own properties. */
    String resolve(String value) {
      String out = value;
      for (int i = 0; i < 10 && out.contains("${"); i++) {
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(out);
        out = m.replaceAll(r -> Matcher.quoteReplacement(properties.getOrDefault(r.group(1), r.group())));
      }
      return out;
    }

    Element plugin(String artifactId) {
      NodeList plugins = doc.getElementsByTagName("plugin");
      for (int i = 0; i < plugins.getLength(); i++) {
        Element plugin = (Element) plugins.item(i);
        if (artifactId.equals(child(plugin, "artifactId").getTextContent().trim())) {
          return plugin;
        }
      }
      throw new AssertionError("pom.xml has no plugin " + artifactId);
    }
  }

  private static List<String> executions(Element plugin) {
    List<String> bound = new ArrayList<>();
    NodeList executions = plugin.getElementsByTagName("execution");
    for (int i = 0; i < executions.getLength(); i++) {
      bound.add(executions.item(i).getTextContent().trim());
    }
    return bound;
  }

  private static Element child(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e;
      }
    }
    throw new AssertionError("<" + parent.getTagName() + "> has no <" + tag + ">");
  }

  private static String text(Element from, String... path) {
    Element e = from;
    for (String tag : path) {
      e = child(e, tag);
    }
    return e.getTextContent().trim();
  }

  private static List<String> texts(Element from, String tag) {
    NodeList nodes = from.getElementsByTagName(tag);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent().trim());
    }
    return out;
  }

  /** The instructions of a Dockerfile (no line continuations are used in the ones checked). */
  record Dockerfile(List<String[]> instructions) {
    static Dockerfile read(Path file) throws IOException {
      List<String[]> out = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#") && Character.isUpperCase(t.charAt(0))) {
          String[] parts = t.split("\\s+", 2);
          out.add(new String[] {parts[0], parts.length > 1 ? parts[1] : ""});
        }
      }
      return new Dockerfile(out);
    }

    /** The argument of an instruction that must occur exactly once. */
    String single(String instruction) {
      List<String> found = instructions.stream().filter(i -> i[0].equals(instruction)).map(i -> i[1]).toList();
      assertEquals(1, found.size(), "Dockerfile " + instruction + " instructions: " + found);
      return found.get(0);
    }

    String arg(String name) {
      return instructions.stream().filter(i -> i[0].equals("ARG") && i[1].startsWith(name + "="))
          .map(i -> i[1].substring(name.length() + 1)).findFirst()
          .orElseThrow(() -> new AssertionError("Dockerfile has no ARG " + name));
    }
  }
}
