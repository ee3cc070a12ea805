package dev.livesync.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * The source's own directory ({@code .}) in a plain send: its mode, owner and mtime, and nothing
 * else. Named as {@code SOURCE/././.} with {@code --dirs}, rsync would send the top's entries along
 * with it (a name ending in {@code .} is sent with its contents one level deep), each as it is when
 * this run reads it: a newer send of a top-level file, running beside this one, could finish first
 * and this run's older copy land after it, the target left stale until the next change. So the root
 * goes in a run of its own whose first filters leave every top-level entry out at the sender
 * ({@code - /*}) and protect it at the receiver ({@code P /*}), ahead of any other filter, and
 * without {@code --delete-missing-args}: the run deletes nothing.
 */
final class RootAlone {
  /** Before every other filter: the first match decides. */
  static final List<String> FILTERS = List.of("--filter=P /*", "--filter=- /*");
  private static final byte[] ROOT = {'.'};
  private static final String NAMED_MISSING = "--delete-missing-args";

  private RootAlone() {}

  static boolean is(byte[] p) {
    return p.length == 1 && p[0] == '.';
  }

  /** Whether the root is among {@code paths}. */
  static boolean among(List<byte[]> paths) {
    for (byte[] p : paths) if (is(p)) return true;
    return false;
  }

  /** {@code paths} without the root. */
  static List<byte[]> others(List<byte[]> paths) {
    List<byte[]> out = new ArrayList<>(paths.size());
    for (byte[] p : paths) if (!is(p)) out.add(p);
    return out;
  }

  /** The argv of the root's own run: {@code send}'s, for the root alone, with {@link #FILTERS} first and no deletion. */
  static List<String> argv(List<String> send) {
    List<String> argv = new ArrayList<>(send);
    argv.remove(NAMED_MISSING);
    argv.addAll(argv.indexOf("-a") + 1, FILTERS);
    return argv;
  }

  /** What sends the rest of a batch; the root's own run goes after it. */
  interface Rest {
    TransferResult send(List<byte[]> others) throws InterruptedException;
  }

  /**
   * {@code paths} (the root among them) sent: the others first ({@code rest}), then the root alone
   * ({@code root}), unless the others must be retried or failed for good. The root goes last: the
   * others' sends change the target's top, and its mtime is set again after them.
   */
  static TransferResult send(List<byte[]> paths, Rest rest, Rest root) throws InterruptedException {
    List<byte[]> others = others(paths);
    TransferResult first = others.isEmpty() ? null : rest.send(others);
    if (first != null && (first.outcome() == TransferResult.Outcome.RETRY || first.outcome() == TransferResult.Outcome.FATAL)) return first;
    TransferResult own = root.send(List.of(ROOT));
    return first == null ? own : TransferResult.merge(first, own);
  }
}
