package dev.livesync.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Checks that a target answers and accepts our credentials without changing anything: a
 * non-recursive {@code rsync --list-only} of its top directory (daemon and ssh targets), or a
 * writability check for a local directory.
 */
public final class TargetProbe implements Supplier<Check> {
  private final String target;
  private final Path passwordFile;
  private final String rsync;

  public TargetProbe(String target, Path passwordFile, String rsync) {
    this.target = target;
    this.passwordFile = passwordFile;
    this.rsync = rsync;
  }

  static boolean isRemote(String target) {
    return target.startsWith("rsync://") || target.contains("::") || target.matches("^[^/]*:.*");
  }

  @Override
  public Check get() {
    String what = "target " + target;
    if (!isRemote(target)) {
      Path p = Path.of(target);
      if (!Files.isDirectory(p)) return Check.fail(what, "local directory does not exist: create it (mkdir -p " + target + ")");
      return Files.isWritable(p) ? Check.ok(what, "local directory, writable") : Check.fail(what, "local directory is not writable");
    }
    List<String> cmd = new ArrayList<>(List.of(rsync, "--list-only", "--contimeout=10", "--timeout=20"));
    if (target.startsWith("rsync://") || target.contains("::")) {
      if (passwordFile != null) cmd.add("--password-file=" + passwordFile);
    } else {
      cmd.set(2, "-e");
      cmd.set(3, "ssh -o BatchMode=yes -o ConnectTimeout=10");
    }
    cmd.add(target.endsWith("/") ? target : target + "/");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Map<String, String> env = pb.environment();
      if (passwordFile == null && !env.containsKey("RSYNC_PASSWORD")) env.put("RSYNC_PASSWORD", "");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Check.fail(what, "no answer within 60 s");
      }
      return verdict(what, p.exitValue(), out);
    } catch (IOException e) {
      return Check.fail(what, "cannot run " + rsync + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.fail(what, "interrupted");
    }
  }

  static Check verdict(String what, int code, String out) {
    String first = out.lines().filter(l -> l.contains("ERROR") || l.startsWith("rsync:") || l.contains("error")).findFirst().orElse(out.strip());
    return switch (code) {
      case 0 -> Check.ok(what, "reachable, authenticated (dry listing)");
      case 5 -> Check.fail(what, "authentication failed or module refused (" + first + "): check the user, the password file and the daemon's hosts allow");
      case 10, 35 -> Check.fail(what, "cannot connect (" + first + "): is the daemon running and the port open? (livesync serve on the backup host)");
      case 255 -> Check.fail(what, "ssh failed (" + first + "): check the host, and that key login works without a password");
      default -> Check.fail(what, "rsync exit " + code + ": " + first);
    };
  }
}
