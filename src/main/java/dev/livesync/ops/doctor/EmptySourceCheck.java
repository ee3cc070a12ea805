package dev.livesync.ops.doctor;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.sync.DeletePolicy;
import dev.livesync.transport.Drift;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetSpec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * {@code doctor}: a source that is empty while its target is not. That is what an unmounted disk's
 * mount point or a mistyped path looks like, and the first full sync would delete every file of the
 * target (under a delete policy that deletes at start; the mass-deletion guard holds that, unless it is off). The target is looked at with the transport's
 * own dry run, so this works for every kind of target. Null (no line) when the source is not empty
 * or cannot be read (the source check says so).
 */
public final class EmptySourceCheck implements Supplier<Check> {
  private final byte[] source;
  private final TargetSpec target;
  private final DeletePolicy delete;
  private final boolean guarded;

  /** {@code guarded}: the mass-deletion guard is on ({@code max_delete} not off), which holds such a full sync's deletions. */
  public EmptySourceCheck(byte[] source, TargetSpec target, DeletePolicy delete, boolean guarded) {
    this.source = source;
    this.target = target;
    this.delete = delete;
    this.guarded = guarded;
  }

  @Override
  public Check get() {
    if (!isEmptyDir(Path.of(new String(source, java.nio.charset.StandardCharsets.UTF_8)))) return null;
    Drift d;
    try (RsyncTransport t = new RsyncTransport(source, target)) {
      d = t.compare(false);
    } catch (LivesyncException | IllegalArgumentException e) {
      return null; // the target's own check says why it cannot be reached
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    if (d.extra().isEmpty()) return null;
    String what = "source " + Bytes.display(source);
    String effect = delete.atStartup()
        ? "the first full sync would delete all " + d.extra().size() + " entries there (delete policy " + delete + ")"
            + (guarded ? ", which the mass-deletion guard holds until 'livesync release-deletes'" : ", and max_delete is off")
        : "with delete policy " + delete + " nothing is deleted at start, but " + d.extra().size() + " entries there are not in the source";
    return Check.warn(what, "is empty and target " + target.describe() + " is not: " + effect
        + "; if the source is a mount point, mount it first; check the path");
  }

  private static boolean isEmptyDir(Path p) {
    if (!Files.isDirectory(p)) return false;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
      return !s.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }
}
