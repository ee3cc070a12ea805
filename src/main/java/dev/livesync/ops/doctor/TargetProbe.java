package dev.livesync.ops.doctor;

import dev.livesync.LivesyncException;
import dev.livesync.transport.DaemonModules;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.SessionCost;
import dev.livesync.transport.TargetSpec;
import dev.livesync.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks that a target answers and accepts our credentials without changing anything: the
 * transport's own itemized dry run ({@code compare}) with every file excluded, so it only connects,
 * authenticates and looks at the top directory — through exactly the rsync/ssh options a sync uses.
 * On an ssh target it then times one more session ({@link SessionCost}), which every rsync run pays.
 */
public final class TargetProbe implements Supplier<Check> {
  private static final int SESSION_RUNS = 3;
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
  private final byte[] source;
  private final TargetSpec target;

  public TargetProbe(byte[] source, TargetSpec target) {
    this.source = source;
    this.target = new TargetSpec(target.target(), target.options().toBuilder().excludes(List.of("*")).build());
  }

  @Override
  public Check get() {
    String what = "target " + target.describe();
    // rsync would send the daemon's whole secrets line as the password: said as run says it, not as a failed login
    LivesyncException secrets = dev.livesync.sync.Preflight.secretsForm(target);
    if (secrets != null) return Check.fail(what, secrets.getMessage());
    // a password file rsync would refuse has its own FAIL line (the file's): not said again for each target using it
    java.nio.file.Path pw = target.options().passwordFile();
    if (pw != null && dev.livesync.settings.PasswordFile.problem(pw) != null) {
      return Check.warn(what, "not tried: its password file " + pw + " is refused (see the password file's line)");
    }
    try (RsyncTransport t = new RsyncTransport(source, target)) {
      dev.livesync.transport.Drift seen;
      try {
        seen = t.compare(false);
      } catch (TransportException e) {
        // the probe is a dry compare, but doctor compares nothing: say what rsync said
        String said = e.getMessage().replace("compare with " + target.describe() + " incomplete: ", "");
        return Check.fail(what, said + advice(e.result().exitCode(), said) + modules(said) + printed(t, e));
      }
      Check c = switch (target.target()) {
        case dev.livesync.transport.Target.Daemon d -> Check.ok(what, "reachable, authenticated (dry run, nothing changed)");
        case dev.livesync.transport.Target.Ssh s -> sessions(what, t.sessionCost(SESSION_RUNS, SESSION_TIMEOUT).orElse(null));
        case dev.livesync.transport.Target.Local l -> Check.ok(what, "usable by rsync (local directory; dry run, nothing changed)");
      };
      return absent(c, seen);
    } catch (LivesyncException e) {
      return Check.fail(what, e.getMessage());
    } catch (IllegalArgumentException e) {
      return Check.fail(what, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.fail(what, "interrupted");
    }
  }

  /**
   * A WARN where the dry run would create the target directory itself ({@code ./} missing): the host
   * answered, but nothing is there at that path, which is most often a typo (versions and restore
   * find nothing there; the first full sync would make it and fill it).
   */
  Check absent(Check c, dev.livesync.transport.Drift seen) {
    boolean missing = seen.missing().stream().anyMatch(n -> n.length == 1 && n[0] == '.');
    if (!missing || c.status() == Check.Status.FAIL) return c;
    String dir = switch (target.target()) {
      case dev.livesync.transport.Target.Daemon d -> "the directory " + d.path() + " does not exist in module " + d.module() + " yet";
      case dev.livesync.transport.Target.Ssh s -> "the directory " + s.path() + " does not exist there yet";
      case dev.livesync.transport.Target.Local l -> "the directory " + l.dir() + " does not exist yet";
    };
    return Check.warn(c.what(), c.detail() + "; but " + dir + " (the first sync makes it; check the path)");
  }

  /**
   * The ssh target's line: its login works; and what a session costs, which every rsync run pays, a
   * warning when the remote login shell's startup files take {@link SessionCost#SLOW_SHELL} or more.
   */
  static Check sessions(String what, SessionCost cost) {
    String works = "reachable, ssh login works (dry run, nothing changed)";
    if (cost == null) return Check.ok(what, works);
    String total = SessionCost.seconds(cost.total());
    if (cost.slowShell()) {
      return Check.warn(what, works + ", but " + cost.waits() + " (its session opens in " + total + " s) -> " + SessionCost.FIX);
    }
    return Check.ok(what, works + "; an rsync run's session opens in " + total + " s");
  }

  /**
   * Where rsync over ssh failed because the login shell printed something ("is your shell clean?"),
   * what it prints, read from one more session; else empty.
   */
  private static String printed(RsyncTransport t, TransportException e) throws InterruptedException {
    if (e.result().exitCode() != 2 || !e.getMessage().contains("is your shell clean")) return "";
    String printed = t.sessionCost(1, SESSION_TIMEOUT).map(SessionCost::printed).orElse("");
    if (printed.isEmpty()) return "";
    if (printed.length() > 200) printed = printed.substring(0, 200) + "...";
    return " -> for every command it prints: " + printed;
  }

  /**
   * What to do, by rsync exit code, where rsync's message as livesync words it ({@code said}) does not
   * say it already (a module it does not have or that is read only, a changed host key, a closed port).
   */
  static String advice(int rsyncExit, String said) {
    return switch (rsyncExit) {
      case 5 -> said.contains(" has no module ") || said.contains("authentication failed") || said.contains("max connections")
          || said.contains(" does not let this host use ") ? ""
          : " -> check the user, the password file and the daemon's hosts allow";
      case 10, 35 -> said.contains(" does not resolve on this host") || said.startsWith("nothing accepts connections on ") ? ""
          : " -> is the daemon running (livesync serve on the backup host) and the port open?";
      case 255 -> said.startsWith("host key of ") || said.contains(": connection refused on ") ? ""
          : " -> check the host, and that key login works without a password (ssh -o BatchMode=yes)";
      default -> "";
    };
  }

  /** For a daemon target that has no such module: the modules the daemon lists, where it lists them. */
  private String modules(String said) throws InterruptedException {
    if (!(target.target() instanceof dev.livesync.transport.Target.Daemon d) || !said.contains(" has no module ")) return "";
    List<String> names = DaemonModules.list(d, target.options());
    if (names == null) return "";
    return names.isEmpty() ? "; it lists none (its modules may have 'list = no')" : "; it lists: " + String.join(", ", names);
  }
}
