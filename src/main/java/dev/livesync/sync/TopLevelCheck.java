package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import dev.livesync.transport.Drift;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import dev.livesync.transport.TransportException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A start after a clean stop trusts that the target still holds what it held at the stop; this is
 * the look that earns it: the target's top level compared with the source's ({@link Transport#topLevel},
 * one dry run, not recursive), run on a worker in place of the start's first item (the root, {@code .}),
 * so that a target that refuses us or is down fails that item as it did before. Every difference
 * must be one of the entries that changed at the source since the stop, or live since the start
 * ({@link LiveTopLevel}: a file written at the top while the start runs; they go next anyway), and
 * one missing at the target also new since the stop (a changed directory goes as itself only); any
 * other means the target changed while livesync was stopped (wiped, replaced, restored): then the
 * full sync goes instead of the changes, and the start waits for its first attempt as for the root's.
 */
final class TopLevelCheck {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);
  private static final BytePath ROOT = BytePath.of(new byte[] {'.'});
  /** The top-level names that changed at the source since the stop. */
  private final Set<BytePath> explained = new HashSet<>();
  /** The top-level names the source had at the stop: one of them missing at the target is no change of the source's. */
  private final Set<BytePath> atTheStop = new HashSet<>();
  private final boolean extrasCount;
  private final WorkItem root;
  private final List<WorkItem> changes;
  private final WorkItem.FullSync full;
  private final int changed;
  private final LiveTopLevel live;

  /**
   * {@code changed}: every path the catch-up found (changed, gone, whole trees); {@code atStop}: the
   * top-level names (latin-1) of the source's listing at the stop; {@code root} (the
   * root as itself) and {@code changes} (the catch-up's items): queued once the check passed;
   * {@code full}: the full sync otherwise. Under a delete policy
   * that keeps target extras at start ({@code extrasCount} false) an extra entry is no difference.
   * {@code live}: the top-level names changed since the start; they explain a difference as those
   * the catch-up found do.
   */
  TopLevelCheck(List<byte[]> changed, Set<String> atStop, boolean extrasCount, WorkItem root, List<WorkItem> changes, WorkItem.FullSync full,
      LiveTopLevel live) {
    for (byte[] p : changed) if (Bytes.latin1(p).indexOf('/') < 0) explained.add(BytePath.unsafeWrap(p));
    for (String n : atStop) atTheStop.add(BytePath.unsafeWrap(Bytes.fromLatin1(n)));
    this.extrasCount = extrasCount;
    this.root = root;
    this.changes = List.copyOf(changes);
    this.full = full;
    this.changed = changed.size();
    this.live = live;
    live.expect();
  }

  /** Whether {@code item} is the one whose run looks first: the root as itself. */
  boolean covers(WorkItem item) {
    return item instanceof WorkItem.Send s && s.paths().size() == 1 && BytePath.unsafeWrap(s.paths().getFirst()).equals(ROOT);
  }

  /**
   * On a worker: null when the target's top level differs only where the source changed since the
   * stop (or the transport cannot tell), else why the full sync goes instead. Throws the
   * {@link TransportException} of a dry run that failed (the item fails as any other); one that
   * could not look at everything (23, 24) is a reason for the full sync.
   */
  String why(Transport t) throws InterruptedException {
    Drift d;
    try {
      d = t.topLevel();
    } catch (TransportException e) {
      if (e.result().outcome() != TransferResult.Outcome.PARTIAL) throw e;
      live.looked();
      return "the look at the target's top level was incomplete (" + e.result().messageLine() + ")";
    }
    try {
      return d == null ? null : why(d);
    } finally {
      live.looked();
    }
  }

  /** What the live changes recorded by now do not explain: the dry run's listing is older than they are. */
  private String why(Drift d) {
    List<String> unexplained = new ArrayList<>();
    add(unexplained, d.missing(), "missing at the target", true);
    if (extrasCount) add(unexplained, d.extra(), "extra at the target", false);
    add(unexplained, d.differing(), "differs at the target", false);
    if (unexplained.isEmpty()) return null;
    int n = unexplained.size();
    return "the target's top level differs from the source's in " + n + (n == 1 ? " entry" : " entries")
        + " not changed since the clean stop (e.g. " + unexplained.getFirst() + "): it changed while livesync was stopped";
  }

  /**
   * An extra directory's deletion lists what it holds too: each name counts as the top-level entry it
   * is in. {@code missing}: only an entry new since the stop may be missing (one the source had then
   * was at the target then, changed since or not).
   */
  private void add(List<String> out, List<byte[]> names, String how, boolean missing) {
    Set<BytePath> seen = new HashSet<>();
    for (byte[] n : names) {
      int slash = Bytes.latin1(n).indexOf('/');
      BytePath top = BytePath.unsafeWrap(slash < 0 ? n : java.util.Arrays.copyOf(n, slash));
      boolean ok = (explained.contains(top) || live.changed(top)) && !(missing && atTheStop.contains(top));
      if (!ok && seen.add(top)) out.add("'" + Bytes.display(top.unsafeArray()) + "': " + how);
    }
  }

  /**
   * What follows the look at target {@code name} once it arrived: the root as itself and the
   * changes, or (it changed: {@code why}, logged) the full sync.
   */
  List<WorkItem> next(String why, String name) {
    if (why == null) {
      log.info("{}: no full sync at start: the target equalled the source at the clean stop, and its top level still does (but for what "
          + "changed since); sending the {} changes since", name, changed);
      List<WorkItem> all = new ArrayList<>(List.of(root));
      all.addAll(changes);
      return all;
    }
    log.info("{}: full sync at start: {}", name, why);
    return List.of(full);
  }
}
