package dev.kvs.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link KvsClient} talks to KVS. {@link KvsClient#create} reads these once: changing them
 * afterwards does not change a client.
 */
public final class KvsClientOptions {
  /** Default {@link #getRequestTimeout()}: 10 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@link #getFollowPollInterval()}: 5 seconds. */
  public static final Duration DEFAULT_FOLLOW_POLL_INTERVAL = Duration.ofSeconds(5);

  private String namespace;
  private String token;
  private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
  private Duration followPollInterval = DEFAULT_FOLLOW_POLL_INTERVAL;

  public KvsClientOptions() {}

  public KvsClientOptions(String namespace) {
    this.namespace = namespace;
  }

  public String getNamespace() {
    return namespace;
  }

  /** The namespace every call of the client works on (required). */
  public KvsClientOptions setNamespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  public String getToken() {
    return token;
  }

  /**
   * A data token of the namespace, sent with every request as the header
   * {@code authorization: Bearer <token>}; null (the default) sends none, for a KVS with
   * authentication off.
   */
  public KvsClientOptions setToken(String token) {
    this.token = token;
    return this;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  /**
   * How long a call waits for KVS's reply before it fails with 504 {@code timeout}
   * (the event bus send timeout); default 10 s.
   */
  public KvsClientOptions setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    return this;
  }

  public Duration getFollowPollInterval() {
    return followPollInterval;
  }

  /**
   * How often {@link KvsClient#follow} asks for new changes when the live feed has said nothing;
   * default 5 s. The live feed is published at most once, so a notification lost in transit
   * delays a change by at most this long instead of until the next change.
   */
  public KvsClientOptions setFollowPollInterval(Duration followPollInterval) {
    this.followPollInterval = Objects.requireNonNull(followPollInterval, "followPollInterval");
    return this;
  }
}
