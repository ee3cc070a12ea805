package dev.livesync.server;

import dev.livesync.MoveRequest;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.ConfinedRename;
import dev.livesync.fs.NativeException;
import java.io.PrintStream;
import java.util.Map;

/**
 * Directory renames on a served module, for livesync clients: an rsync daemon cannot rename, so a
 * directory renamed at a client's source would otherwise be made again at the new name (hard links
 * from the old one: a few system calls per entry in one receiver) and the old name deleted. For each
 * writable module {@code serve} adds a companion, {@code NAME+move}: the same users, secrets and
 * allowed hosts, an empty directory as its path, and a {@code pre-xfer exec} that runs livesync's
 * {@code serve-move} with the module's path ({@link RsyncdConf}). A client's {@link MoveRequest}
 * is carried out before the daemon lists the empty directory: in place, confined to the module
 * ({@link ConfinedRename}), never over an existing name. When it cannot be, the command exits
 * non-zero and the daemon refuses the listing with the command's one line, which the client logs
 * before copying as it would without the companion.
 */
public final class ModuleMoves {
  private ModuleMoves() {}

  /**
   * {@code serve-move MODULE_PATH}: the rename {@code env}'s {@code RSYNC_REQUEST} asks for, in
   * {@code modulePath}; one line on {@code out}. Exit 0 when renamed, 1 when not.
   */
  public static int run(String modulePath, Map<String, String> env, PrintStream out) {
    String request = env.getOrDefault("RSYNC_REQUEST", "");
    byte[][] names = MoveRequest.decode(request);
    if (names == null) {
      out.println("livesync serve-move: not a move request: " + request);
      return 1;
    }
    if (dev.livesync.settings.Versions.reserved(names[0]) || dev.livesync.settings.Versions.reserved(names[1])) {
      out.println("livesync serve-move: " + Bytes.display(names[0]) + " -> " + Bytes.display(names[1]) + ": "
          + dev.livesync.settings.Versions.DIR + "/ is livesync's own (versions, snapshots): never moved");
      return 1;
    }
    try {
      ConfinedRename.rename(Bytes.of(modulePath), names[0], names[1]);
    } catch (NativeException | IllegalArgumentException e) {
      out.println("livesync serve-move: " + Bytes.display(names[0]) + " -> " + Bytes.display(names[1]) + ": " + e.getMessage());
      return 1;
    }
    out.println("livesync serve-move: moved");
    return 0;
  }
}
