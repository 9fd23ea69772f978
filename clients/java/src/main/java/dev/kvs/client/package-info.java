/**
 * The typed Java clients of KVS: {@link dev.kvs.client.KvsClient} over the event bus API and
 * {@link dev.kvs.client.KvsHttpClient} over the HTTP API, both implementing {@link dev.kvs.client.Kvs}.
 *
 * <p>{@code KvsClient} talks to KVS over a Vert.x event bus, either the one of the Vertx that runs
 * KVS (embedded) or a clustered one that KVS processes joined (Hazelcast); {@code KvsHttpClient}
 * over HTTP with vertx-core's HTTP client. Every call answers with a {@link io.vertx.core.Future};
 * a failed call fails with a {@link dev.kvs.client.KvsFailure}, the same for the same error
 * whichever client made it.
 */
package dev.kvs.client;
