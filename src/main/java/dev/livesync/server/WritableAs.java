package dev.livesync.server;

import dev.livesync.fs.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether a module's daemon, which chroots into its path as root and then writes as the module's
 * uid/gid, can write there. serve itself runs as root and could; the classic setup's
 * {@code chown -R rsync.rsync /backup} is the step a reader forgets, and each client's first run then
 * failed with "Permission denied" at every file. Asked of the kernel ({@code setpriv ... test -w .} in
 * the path, so modes, owners and ACLs count as for the daemon, and the path's parents do not: the
 * daemon is chrooted there before it switches users).
 */
final class WritableAs {
  private WritableAs() {}

  /** Why the daemon could not write {@code m}'s path as its uid/gid, or null (also when it cannot tell). */
  static String problem(ServeModule m) {
    if (m.readOnly() || m.path() == null || (m.uid() == null && m.gid() == null)) return null; // the path's owner: its own modes
    List<String> argv = new ArrayList<>(List.of("setpriv"));
    try {
      argv.add("--reuid=" + (m.uid() != null ? m.uid() : Files.getAttribute(m.path(), "unix:uid").toString()));
      List<String> gids = new ArrayList<>(m.gid() == null ? List.of(Files.getAttribute(m.path(), "unix:gid").toString())
          : Arrays.stream(m.gid().trim().split("[ ,]+")).filter(g -> !g.isEmpty()).toList());
      if (gids.isEmpty() || gids.getFirst().equals("*")) return null; // rsync's "*" (the user's own groups): not asked
      argv.add("--regid=" + gids.removeFirst());
      argv.add(gids.isEmpty() ? "--clear-groups" : "--groups=" + String.join(",", gids));
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
    argv.addAll(List.of("--", "test", "-w", "."));
    int exit;
    try (ChildProcess p = ChildProcess.command(argv).directory(m.path()).noStdin().mergeStderr().tail(0).start()) {
      if (!p.waitFor(Duration.ofSeconds(10))) {
        p.kill();
        return null;
      }
      exit = p.exitValue();
    } catch (IOException e) {
      return null; // no setpriv: the daemon will say
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    if (exit != 1) return null; // 0 writable; anything else is setpriv's own trouble, not an answer
    String who = (m.uid() != null ? m.uid() : "the path's owner") + (m.gid() != null ? ":" + m.gid() : "");
    String owner;
    try {
      owner = Files.getOwner(m.path()).getName() + ":" + Files.readAttributes(m.path(), java.nio.file.attribute.PosixFileAttributes.class)
          .group().getName() + ", mode " + String.format("%04o", (Integer) Files.getAttribute(m.path(), "unix:mode") & 07777);
    } catch (IOException | UnsupportedOperationException e) {
      owner = "?";
    }
    return "path " + m.path() + " is not writable by " + who + ", whom the daemon writes as (--uid/--gid, uid/gid; it is " + owner
        + "), so every client's files would be refused: give it to them (chown " + (m.uid() != null ? m.uid() : "")
        + (m.gid() != null ? ":" + m.gid().trim().split("[ ,]+")[0].replace("*", "") : "") + " " + m.path()
        + ", as the classic setup's chown -R rsync.rsync /backup), or leave --uid/--gid out (the path's owner)";
  }
}
