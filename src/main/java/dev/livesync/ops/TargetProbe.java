package dev.livesync.ops;

import dev.livesync.LivesyncException;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetSpec;
import dev.livesync.transport.TransportException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks that a target answers and accepts our credentials without changing anything: the
 * transport's own itemized dry run ({@code compare}) with every file excluded, so it only connects,
 * authenticates and looks at the top directory — through exactly the rsync/ssh options a sync uses.
 */
public final class TargetProbe implements Supplier<Check> {
  private final byte[] source;
  private final TargetSpec target;

  public TargetProbe(byte[] source, TargetSpec target) {
    this.source = source;
    this.target = new TargetSpec(target.target(), target.options().toBuilder().excludes(List.of("*")).build());
  }

  @Override
  public Check get() {
    String what = "target " + target.describe();
    try (RsyncTransport t = new RsyncTransport(source, target)) {
      t.compare(false);
      return Check.ok(what, switch (target.target()) {
        case dev.livesync.transport.Target.Daemon d -> "reachable, authenticated (dry run, nothing changed)";
        case dev.livesync.transport.Target.Ssh s -> "reachable, ssh login works (dry run, nothing changed)";
        case dev.livesync.transport.Target.Local l -> "usable by rsync (local directory; dry run, nothing changed)";
      });
    } catch (TransportException e) {
      // the probe is a dry compare, but doctor compares nothing: say what rsync said
      String said = e.getMessage().replace("compare with " + target.describe() + " incomplete: ", "");
      return Check.fail(what, said + advice(e.result().exitCode()));
    } catch (LivesyncException e) {
      return Check.fail(what, e.getMessage());
    } catch (IllegalArgumentException e) {
      return Check.fail(what, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.fail(what, "interrupted");
    }
  }

  /** What to do, by rsync exit code. */
  static String advice(int rsyncExit) {
    return switch (rsyncExit) {
      case 5 -> " -> check the user, the password file and the daemon's hosts allow";
      case 10, 35 -> " -> is the daemon running (livesync serve on the backup host) and the port open?";
      case 255 -> " -> check the host, and that key login works without a password (ssh -o BatchMode=yes)";
      default -> "";
    };
  }
}
