/**
 * The typed Java client of KVS's event bus API: {@link dev.kvs.client.KvsClient}.
 *
 * <p>It talks to KVS over a Vert.x event bus, either the one of the Vertx that runs KVS (embedded)
 * or a clustered one that KVS processes joined (Hazelcast). Every call answers with a
 * {@link io.vertx.core.Future}; a failed call fails with a {@link dev.kvs.client.KvsFailure}.
 */
package dev.kvs.client;
