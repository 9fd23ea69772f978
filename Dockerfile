# KVS container image: the shaded jar, built with the Maven wrapper, on a JRE, as a non-root user.
#
#   docker build -t kvs:0.1.0-SNAPSHOT .
#   docker run --rm -p 8080:8080 -e KVS_DB_URL=postgresql://USER:PASSWORD@HOST:5432/kvs kvs:0.1.0-SNAPSHOT
#
# The base images are build arguments, so a mirror or a pinned digest can stand in for them:
#   docker build --build-arg JRE_IMAGE=eclipse-temurin:21-jre@sha256:... .
ARG JDK_IMAGE=eclipse-temurin:21-jdk
ARG JRE_IMAGE=eclipse-temurin:21-jre

FROM ${JDK_IMAGE} AS build
WORKDIR /src
# Maven, plugins and dependencies first, in a layer of their own: rebuilt only when pom.xml or
# the wrapper changes, not on every source edit. (dependency:go-offline would also fetch every
# optional dependency of every library; resolve + resolve-plugins fetch what the build uses.)
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:resolve-plugins dependency:resolve
COPY db db
COPY src/main src/main
# Offline: everything came in the layer above. The tests run in CI against a real PostgreSQL
# (./mvnw verify), not in an image build, so they are neither compiled nor run here.
RUN ./mvnw -B -q -o -Dmaven.test.skip=true package

# Ubuntu (glibc), not Alpine: the native epoll transport the service ships (netty, linux-x86_64)
# is built against glibc; on musl it would not load and Vert.x would quietly fall back to NIO.
FROM ${JRE_IMAGE}
# A numeric, non-root user (Kubernetes' runAsNonRoot can only check a numeric one), with a name
# so that the JVM's user.name is not "?".
RUN groupadd --system --gid 10001 kvs \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin kvs
WORKDIR /app
COPY --from=build /src/target/kvs.jar /app/kvs.jar
USER 10001:10001
EXPOSE 8080
# Exec form: java is PID 1 and gets SIGTERM itself, so the shutdown hook drains (KVS_SHUTDOWN_GRACE_MS).
# The JVM sizes itself from the container's limits:
#  - heap 75% of the memory limit; the rest is metaspace, thread stacks and Netty's direct buffers;
#  - G1 stated outright: below 2 CPUs or about 1.8 GiB the JVM would pick the Serial collector
#    (checked: a 1 GiB cgroup gets UseSerialGC), whose full pauses stall every event loop;
#  - on OutOfMemoryError exit at once, so the orchestrator restarts a clean process.
# Only /tmp is written (Netty unpacks its native library there, Vert.x caches classpath files):
# it is the one writable, exec-allowed mount when the root filesystem is read-only.
# More flags without a rebuild: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/kvs.jar"]
