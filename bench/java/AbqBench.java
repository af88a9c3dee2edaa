/*
 * Baseline: Java's ArrayBlockingQueue with the items, capacity and worker counts of the
 * BoundedQueue rows. P producers put the integers 0..TOTAL-1 (producer i puts i, i+P, ...),
 * then one sentinel per consumer goes in; C consumers take until their sentinel and count what
 * they saw, and every integer must have arrived exactly once. One warm-up run (a quarter of the
 * items) lets the JIT compile the loops first, as the JavaScript rows warm up their workers.
 *
 * Prints "ITEMS_PER_SECOND ok|BAD". Usage: java AbqBench.java TOTAL CAPACITY PRODUCERS CONSUMERS
 */
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CyclicBarrier;

public final class AbqBench {
  private static final Integer SENTINEL = Integer.valueOf(-1);

  public static void main(String[] args) throws Exception {
    int total = Integer.parseInt(args[0]);
    int capacity = Integer.parseInt(args[1]);
    int producers = Integer.parseInt(args[2]);
    int consumers = Integer.parseInt(args[3]);
    run(total / 4, capacity, producers, consumers);
    Result r = run(total, capacity, producers, consumers);
    System.out.println(String.format("%.0f %s", r.rate, r.ok ? "ok" : "BAD"));
  }

  private record Result(double rate, boolean ok) {}

  private static Result run(int total, int capacity, int producers, int consumers) throws Exception {
    ArrayBlockingQueue<Integer> queue = new ArrayBlockingQueue<>(capacity);
    CyclicBarrier start = new CyclicBarrier(producers + consumers + 1);
    byte[][] seen = new byte[consumers][total];
    long[] ends = new long[consumers];
    Thread[] producing = new Thread[producers];
    Thread[] consuming = new Thread[consumers];
    for (int c = 0; c < consumers; c++) {
      int id = c;
      consuming[c] = new Thread(() -> {
        try {
          start.await();
          byte[] mine = seen[id];
          for (Integer item; (item = queue.take()) != SENTINEL; ) mine[item]++;
          ends[id] = System.nanoTime();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      consuming[c].start();
    }
    for (int p = 0; p < producers; p++) {
      int id = p;
      producing[p] = new Thread(() -> {
        try {
          start.await();
          for (int i = id; i < total; i += producers) queue.put(i);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      producing[p].start();
    }
    start.await();
    long began = System.nanoTime();
    for (Thread t : producing) t.join();
    for (int c = 0; c < consumers; c++) queue.put(SENTINEL);
    for (Thread t : consuming) t.join();
    long ended = began;
    for (long e : ends) ended = Math.max(ended, e);
    boolean ok = true;
    for (int i = 0; i < total && ok; i++) {
      int count = 0;
      for (byte[] s : seen) count += s[i];
      ok = count == 1;
    }
    return new Result(total / ((ended - began) / 1e9), ok);
  }
}
