package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import dev.livesync.settings.Versions;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A directory on this machine: renamed in place with rename(2), old versions pruned here. */
final class LocalKind implements TargetKind {
  private static final Logger log = LoggerFactory.getLogger(RsyncTransport.class);
  private final Target.Local target;
  private final TargetOptions options;
  private final byte[] dir;

  LocalKind(Target.Local target, TargetOptions options) {
    this.target = target;
    this.options = options;
    this.dir = Bytes.of(target.dir().toString());
  }

  @Override
  public void connectionArgs(List<String> argv) {}

  @Override
  public List<byte[]> localRoots() {
    List<byte[]> roots = new ArrayList<>(List.of(dir));
    RsyncTransport.realPath(dir).ifPresent(roots::add);
    return roots;
  }

  /**
   * Not with versions: a rename in place keeps nothing of the old name, so the tree before it could
   * not be restored (ransomware renames, then encrypts). As on a daemon, the batch after it deletes
   * the old name, keeping it as a version, and sends the new one.
   */
  @Override
  public boolean canRename() {
    return options.versions() == null;
  }

  @Override
  public boolean rename(byte[] from, byte[] to, RsyncRuns rsync) {
    if (rsync.refused() != null || !canRename()) return false; // the send after it says why; with versions, the batch after it
    byte[] src = Bytes.child(dir, from);
    try {
      // a look that fails (a path beyond PATH_MAX at the target) is a rename not made: the send after it follows
      if (Libc.lstatOrNull(src) == null) {
        log.debug("local rename {} -> {}: {} is not there", Bytes.display(from), Bytes.display(to), Bytes.display(from));
        return false;
      }
      Libc.rename(src, Bytes.child(dir, to));
      return true;
    } catch (NativeException e) {
      log.debug("local rename {} -> {} failed: {}", Bytes.display(from), Bytes.display(to), e.getMessage());
      return false;
    }
  }

  @Override
  public int pruneVersions(Instant cutoff) {
    try {
      return Versions.pruneLocal(target.dir(), cutoff);
    } catch (IOException e) {
      log.warn("{}: cannot prune old versions: {}", target.describe(), e.toString());
      return 0;
    }
  }
}
