package dev.kvs.load;

/**
 * Uniformly random reads over a key space larger than the cache ({@code -Dkeys}, default 100,000
 * against 10,000 cache entries in the measured setup), so most reads go to PostgreSQL.
 */
public class UniformReadsSimulation extends RandomReadsSimulation {
  public UniformReadsSimulation() {
    super("uniform reads", "uniform:", Integer.getInteger("keys", 100_000));
  }
}
