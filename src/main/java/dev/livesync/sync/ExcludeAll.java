package dev.livesync.sync;

import java.util.ArrayList;
import java.util.List;

/**
 * Exclude patterns that together leave nothing to replicate: every name at the source's top excluded,
 * so every path is. The settings refuse the plain ones ({@code *}, {@code **}, {@code /*}) by their
 * text; these are found by the matcher itself ({@code ?*}, {@code **}{@code /*}, {@code .*} with
 * {@code [!.]*}): a sync that sends nothing looks healthy. A name excluded is tried as a file and as
 * a directory; the names tried are every one-byte name and each of them with a byte before or after
 * it, so a pattern that keeps some name ({@code [!q]*} keeps {@code q}) is never taken for one that
 * keeps none.
 */
public final class ExcludeAll {
  private static final List<byte[]> NAMES = names();

  private ExcludeAll() {}

  /** The pattern with which {@code patterns} (in their order) first exclude every path; null when they never do. */
  public static String pattern(List<String> patterns) {
    for (int n = 1; n <= patterns.size(); n++) {
      if (everything(new Excludes(patterns.subList(0, n)))) return patterns.get(n - 1);
    }
    return null;
  }

  /** Why {@code pattern} is refused, in the words of the settings' own refusal (the patterns before it did their part, or not). */
  public static String words(String pattern) {
    boolean alone = everything(new Excludes(List.of(pattern)));
    return (alone ? "" : "with the patterns before it, ") + "excludes every path of the source, so nothing would be replicated"
        + " (a pattern such as *.tmp, cache/ or /top-level-only excludes some)";
  }

  private static boolean everything(Excludes ex) {
    for (byte[] name : NAMES) {
      if (!ex.excluded(name, false) || !ex.excluded(name, true)) return false;
    }
    return true;
  }

  private static List<byte[]> names() {
    List<byte[]> out = new ArrayList<>();
    for (int b = 1; b < 256; b++) {
      if (b == '/') continue;
      if (b != '.') out.add(new byte[] {(byte) b});
      out.add(new byte[] {(byte) b, 'x'});
      out.add(new byte[] {'x', (byte) b});
    }
    out.add("x".repeat(255).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return out;
  }
}
