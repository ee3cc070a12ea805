package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import dev.livesync.transport.TransportException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A send of a batch's paths that exist at the source, deleting nothing: what the mass-deletion guard
 * lets go when it holds the batch's deletions, or cannot judge them now ({@link #deferred}).
 */
final class WithoutDeletions {
  /** rsync's exit code when --max-delete stopped deletions (a daemon's run is read as one too). */
  static final int MAX_DELETE_EXIT = 25;

  private WithoutDeletions() {}

  /** The paths of {@code paths} that exist at the source. */
  static List<byte[]> present(List<byte[]> paths, Batcher.SizeProbe source) {
    List<byte[]> present = new ArrayList<>(paths.size());
    for (byte[] p : paths) if (source.size(p) >= 0) present.add(p);
    return present;
  }

  /** {@code present} sent deleting nothing (a tree keeps its extras at the target); OK with nothing done when there is none. */
  static TransferResult send(Transport inner, List<byte[]> present, boolean recursive) throws InterruptedException {
    if (present.isEmpty()) return TransferResult.ok(0, 0, 0);
    return recursive ? inner.sendKeepingExtras(present, true, 0) : inner.send(present, false, 0);
  }

  /**
   * What a send does instead when its deletions cannot be judged now ({@code e}: the source moved under
   * a dry run, or another send is judged, {@link #busy}): what exists at the source goes, deleting
   * nothing, and the deletions ({@code null}: not known) go again ({@link #deferred}). A failure of the
   * target itself ({@code e} not PARTIAL) stands: nothing done. {@code counted}: the guard's count of what a send did.
   */
  static TransferResult instead(TransportException e, Transport inner, Batcher.SizeProbe source, List<byte[]> paths, boolean recursive,
      List<byte[]> deletions, UnaryOperator<TransferResult> counted) throws InterruptedException {
    if (e.result().outcome() != TransferResult.Outcome.PARTIAL) return e.result();
    List<byte[]> present = present(paths, source);
    return deferred(counted.apply(send(inner, present, recursive)), paths, present, recursive, deletions, e.result());
  }

  /**
   * A send's deletions do not wait for another send's judgement (a look at a large tree takes
   * seconds, and a burst is judged by the send that came first): the rest of the send goes now, they
   * go again when a send running then ends ({@link JudgementWaits}; {@link #deferred}).
   */
  static TransportException busy() {
    return new TransportException(new TransferResult(TransferResult.Outcome.PARTIAL, 0, List.of(), 0, 0, 0,
        "its deletions wait while another send's are judged"));
  }

  /** Whether {@code r} is a send whose deletions {@link #busy} put off: the source moved under no rsync run (exit 0). */
  static boolean putOff(TransferResult r) {
    return r.sourceMoved() && r.exitCode() == 0;
  }

  /**
   * The batch's result when its deletions could not be judged ({@code why}: the source moved under
   * the look at the whole tree, or another batch is being judged) and {@code sent} carried the rest:
   * PARTIAL, naming for another attempt the paths gone from the source, the trees sent with
   * {@code deletions} inside them (every tree sent where those are not known: null), and whatever
   * {@code sent} did not carry (all of them after a refused deletion: a name whose type changed).
   * {@code sent} itself when nothing is left, or when the target failed.
   */
  static TransferResult deferred(TransferResult sent, List<byte[]> paths, List<byte[]> present, boolean recursive,
      List<byte[]> deletions, TransferResult why) {
    if (sent.outcome() == TransferResult.Outcome.RETRY || sent.outcome() == TransferResult.Outcome.FATAL) return sent;
    Set<BytePath> again = new LinkedHashSet<>();
    if (sent.exitCode() == MAX_DELETE_EXIT) {
      again.addAll(BytePath.unsafeWrapAll(paths));
    } else {
      Set<BytePath> sentPaths = new HashSet<>(BytePath.unsafeWrapAll(present));
      for (BytePath p : BytePath.unsafeWrapAll(paths)) if (!sentPaths.contains(p)) again.add(p);
      if (recursive && deletions == null) again.addAll(BytePath.unsafeWrapAll(present)); // what they hold that the source lacks: not known
      for (byte[] d : recursive && deletions != null ? deletions : List.<byte[]>of()) {
        BytePath deleted = BytePath.unsafeWrap(d);
        if (sentPaths.contains(deleted)) again.add(deleted);
        for (BytePath a : deleted.ancestors()) if (sentPaths.contains(a)) again.add(a);
      }
      // the whole tree sent (the empty path is no one's ancestor): any deletion lies inside it
      if (recursive && deletions != null && !deletions.isEmpty() && sentPaths.contains(BytePath.EMPTY)) again.add(BytePath.EMPTY);
      boolean unnamed = sent.outcome() == TransferResult.Outcome.PARTIAL && sent.failedPaths().isEmpty(); // all of it again
      again.addAll(BytePath.unsafeWrapAll(unnamed ? present : sent.failedPaths()));
    }
    if (again.isEmpty()) return sent;
    return new TransferResult(TransferResult.Outcome.PARTIAL, why.exitCode(), BytePath.unsafeArrays(again), sent.files(), sent.bytes(),
        sent.millis() + why.millis(), why.message(), sent.deleted(), sent.created(), true);
  }
}
