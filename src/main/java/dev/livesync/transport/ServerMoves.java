package dev.livesync.transport;

import dev.livesync.MoveRequest;
import dev.livesync.fs.Bytes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon target's renames done by its server ({@link Transport#moveOnServer}): a {@code livesync
 * serve} daemon has, beside each writable module, a companion that renames a directory in it on
 * request ({@link MoveRequest}); a plain rsync daemon has none, which the first request finds out
 * ("Unknown module"), and none is asked again. One per daemon transport.
 */
final class ServerMoves {
  private static final Logger log = LoggerFactory.getLogger(RsyncTransport.class);
  private volatile boolean absent;

  /**
   * {@code from} moved to {@code to} (relative to the target) on {@code target}'s server, then
   * {@code to} (UTF-8 {@code toArg}) sent with {@code --delete}. Null when not moved.
   */
  TransferResult move(Target.Daemon target, TargetOptions options, byte[] from, byte[] to, String toArg, RsyncRuns rsync)
      throws InterruptedException {
    if (absent) return null;
    String request = MoveRequest.encode(target.module(), inModule(target, from), inModule(target, to));
    if (request == null) return null;
    List<String> argv = new ArrayList<>(options.rsyncCommand());
    argv.addAll(List.of("--list-only", "--no-motd"));
    if (options.timeoutSeconds() > 0) argv.add("--timeout=" + options.timeoutSeconds());
    DaemonKind.connectionArgs(options, argv);
    argv.add("rsync://" + (target.user() == null ? "" : target.user() + "@") + Target.hostForUrl(target.host()) + ":" + target.port() + "/" + request);
    long t0 = System.nanoTime();
    RsyncProcess.Result r = rsync.run(argv, null, line -> {});
    if (r.exit() != 0) {
      String why = reason(r.stderr());
      if (why.contains("Unknown module")) {
        absent = true;
        log.info("{}: the daemon cannot rename directories (not livesync serve, or an older one): a renamed directory is made again"
            + " at its new name from the old one (--link-dest)", target.describe());
      } else {
        log.debug("{}: {} not moved to {} on the server ({}): made from the old name instead", target.describe(), Bytes.display(from),
            Bytes.display(to), why);
      }
      return null;
    }
    TransferResult sent = rsync.transfer(rsync.args().treeOf(toArg), null, null);
    log.debug("{}: {} moved to {} on the server, then sent: {}, {} ms", target.describe(), Bytes.display(from), Bytes.display(to),
        sent.outcome(), (System.nanoTime() - t0) / 1_000_000);
    return sent;
  }

  private static byte[] inModule(Target.Daemon target, byte[] rel) {
    return target.path().isEmpty() ? rel : Bytes.concat(Bytes.of(target.path() + "/"), rel);
  }

  /** The daemon's refusal: the command's own line where there is one, else rsync's messages. */
  private static String reason(List<byte[]> stderr) {
    List<String> lines = new ArrayList<>();
    for (byte[] l : stderr) {
      String s = Bytes.latin1(l).strip();
      if (s.startsWith("livesync serve-move:")) return s;
      if (!s.isEmpty()) lines.add(s);
    }
    return String.join(" / ", lines);
  }

  /** Whether the server was found to have no companion module: nothing is asked of it again. */
  boolean absent() {
    return absent;
  }
}
