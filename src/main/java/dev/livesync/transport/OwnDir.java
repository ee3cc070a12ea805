package dev.livesync.transport;

import dev.livesync.settings.Versions;
import java.util.ArrayList;
import java.util.List;

/**
 * The target's {@code .livesync/} (versions, snapshots) kept out of every run's paths. Each run
 * carries filters that protect it and leave the source's out ({@link Versions#FILTERS}), but rsync
 * applies no filter to a path named on its command line or its {@code --files-from} list: with
 * {@code --delete-missing-args} a batch naming {@code .livesync} deleted the whole store once the
 * source's own was removed, with {@code -R} one naming a file below it planted that file in the
 * store. The engine never queues such a path (its events are dropped as they come); this is the
 * transport's own guard, for every caller.
 */
final class OwnDir {
  private OwnDir() {}

  /** {@code paths} without those at or below the top's {@code .livesync}; {@code paths} itself when it has none. */
  static List<byte[]> without(List<byte[]> paths) {
    List<byte[]> out = null;
    for (int i = 0; i < paths.size(); i++) {
      if (!Versions.reserved(paths.get(i))) {
        if (out != null) out.add(paths.get(i));
      } else if (out == null) {
        out = new ArrayList<>(paths.subList(0, i));
      }
    }
    return out == null ? paths : out;
  }

  /** Whether either name of a rename is at or below the top's {@code .livesync}: it is not done (the batches after it reconcile both names). */
  static boolean touches(byte[] from, byte[] to) {
    return Versions.reserved(from) || Versions.reserved(to);
  }
}
