package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.MaxDelete;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * The guard tests' set-up: a source, a local target directory and a state directory (temporary, gone
 * on {@link #close}), the mass-deletion guard around a transport to that target, the source probed for
 * real, on a fake clock.
 */
final class GuardedLocal implements AutoCloseable {
  final byte[] src, dst, state;
  final FakeClock clock = new FakeClock();
  /** What the source's events would have told the guard: the renames a test makes it know of ({@link #renamed}). */
  final RecentNames names = new RecentNames(clock);

  GuardedLocal(String name) {
    src = Trees.tempDir(name + "-src");
    dst = Trees.tempDir(name + "-dst");
    state = Trees.tempDir(name + "-state");
  }

  /** The real rsync to the target directory. */
  Transport local() {
    return RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.builder().build());
  }

  /** The guard around {@code transport} at {@code --max-delete percent%}. */
  DeletionGuard guard(Transport transport, int percent) {
    return new DeletionGuard(transport, new MaxDelete(percent, -1), clock, p -> Libc.lstatOrNull(Bytes.child(src, p)) == null ? -1 : 0,
        TreeCount.trees(src, Excludes.NONE), "s", new HeldDeletions(Trees.path(state).resolve("held")), names);
  }

  /** A rename at the source, which its events tell the guard of. */
  void rename(String from, String to) {
    Libc.rename(Bytes.child(src, Bytes.of(from)), Bytes.child(src, Bytes.of(to)));
    renamed(to);
  }

  /** The source's events saw renames to {@code names} (paths relative to it). */
  void renamed(String... to) {
    for (String t : to) names.renamedTo(Bytes.of(t));
  }

  static List<byte[]> paths(String... names) {
    List<byte[]> out = new ArrayList<>();
    for (String n : names) out.add(Bytes.of(n));
    return out;
  }

  @Override
  public void close() {
    for (byte[] d : List.of(src, dst, state)) Trees.delete(d);
  }
}
