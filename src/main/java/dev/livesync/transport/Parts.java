package dev.livesync.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** Work dealt into parts of like weight, for rsync runs side by side. */
public final class Parts {
  private Parts() {}

  /**
   * {@code largestFirst} dealt into at most {@code n} parts: each item to the part that weighs least
   * so far; parts left empty are dropped.
   */
  public static <T> List<List<T>> balanced(List<T> largestFirst, ToLongFunction<T> weight, int n) {
    List<List<T>> parts = new ArrayList<>();
    long[] load = new long[n];
    for (int i = 0; i < n; i++) parts.add(new ArrayList<>());
    for (T item : largestFirst) {
      int least = 0;
      for (int i = 1; i < n; i++) if (load[i] < load[least]) least = i;
      parts.get(least).add(item);
      load[least] += weight.applyAsLong(item);
    }
    parts.removeIf(List::isEmpty);
    return parts;
  }
}
