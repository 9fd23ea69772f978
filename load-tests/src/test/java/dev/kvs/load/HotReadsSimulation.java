package dev.kvs.load;

/** Read-heavy on a small hot set ({@code -DhotKeys}, default 1,000): what the read cache is for. */
public class HotReadsSimulation extends RandomReadsSimulation {
  public HotReadsSimulation() {
    super("hot reads", "hot:", Integer.getInteger("hotKeys", 1_000));
  }
}
