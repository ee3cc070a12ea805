package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ssh target. It keeps two helper processes, both started on first use and both stopped by
 * {@link #close()}: an ssh connection master ({@link SshMaster}) that every rsync's ssh and the
 * rename shell ride on, so a run costs a session on an open connection instead of a full login;
 * and one remote shell ({@link RemoteShell}) that does every rename in place (and prunes old
 * versions), instead of one ssh login per rename. Both only save work: when either is down, runs
 * log in by themselves and a failed rename is answered false (the engine then sends the data again).
 */
final class SshKind implements TargetKind {
  private static final Logger log = LoggerFactory.getLogger(RsyncTransport.class);
  private final Target.Ssh target;
  private final TargetOptions options;
  private final SshMaster master;
  private final RemoteShell shell;
  private final SessionCostLog costLog;
  private volatile boolean looks;
  /** False: renames as one {@code mv} each even where the host has perl (tests of that path). */
  private volatile boolean perl = true;

  SshKind(Target.Ssh target, TargetOptions options) {
    this.target = target;
    this.options = options;
    this.master = new SshMaster(SshCommand.argv(options), target.login(), target.describe());
    long timeout = (options.timeout().isZero() ? TargetOptions.DEFAULT_TIMEOUT : options.timeout()).toNanos();
    this.shell = new RemoteShell(() -> {
      List<String> argv = new ArrayList<>(SshCommand.argv(options));
      argv.addAll(master.clientOptions());
      argv.addAll(List.of("-T", target.login(), "sh"));
      return argv;
    }, timeout, target.describe());
    // only through the master (no ProxyCommand to fall back on): the look never costs a login
    this.costLog = new SessionCostLog(target.describe(), () -> sessionCostArgv(List.of("-o", "ProxyCommand=false")));
  }

  @Override
  public void connectionArgs(List<String> argv) {
    argv.addAll(List.of("-e", SshCommand.forRsync(options, master.clientOptions())));
    if (looks && master.pid().isPresent()) costLog.look();
  }

  /** Not with versions: see {@link LocalKind#canRename}. */
  @Override
  public boolean canRename() {
    return options.versions() == null;
  }

  @Override
  public boolean rename(byte[] from, byte[] to, RsyncRuns rsync) throws InterruptedException {
    return renameAll(List.of(new Transport.Move(from, to)), rsync);
  }

  /**
   * Every move, in order, in the persistent rename shell: one script ({@link RenameScript}), one round
   * trip. False when anything fails (the batches after it then send the data).
   */
  @Override
  public boolean renameAll(List<Transport.Move> moves, RsyncRuns rsync) throws InterruptedException {
    if (rsync.refused() != null || !canRename()) return false; // the send after it says why; with versions, the batch after it
    byte[] script = RenameScript.of(Bytes.of(target.path()), moves, false, perl);
    int status = shell.run(script);
    if (status != 0) {
      String what = moves.size() == 1 ? Bytes.display(moves.getFirst().from()) + " -> " + Bytes.display(moves.getFirst().to()) : moves.size() + " renames";
      log.debug("ssh rename {} on {} failed ({})", what, target.describe(),
          status == 90 ? "no target directory" : status == 91 ? "an old name was gone or mv failed" : status < 0 ? "no remote shell" : "exit " + status);
    }
    return status == 0;
  }

  @Override
  public int pruneVersions(Instant cutoff) throws InterruptedException {
    int pruned = 0;
    while (true) {
      int status = shell.run(RemoteVersions.pruneScript(Bytes.of(target.path()), cutoff));
      if (status < 0 || status > RemoteVersions.BATCH) {
        log.warn("{}: pruning old versions failed (remote shell status {})", target.describe(), status);
        return pruned;
      }
      pruned += status;
      if (status < RemoteVersions.BATCH) return pruned;
    }
  }

  /** From now on, the first run with the master up starts {@link SessionCostLog}'s look. */
  void lookAtSessions() {
    looks = true;
  }

  String warning() {
    return costLog.warning();
  }

  /**
   * Runs {@link SessionCost#COMMAND} in a session of its own through the connection master, as an
   * rsync run opens one; null when it fails or does not answer within {@code timeout}.
   */
  SessionCost sessionCost(Duration timeout) throws InterruptedException {
    return SessionCost.measure(sessionCostArgv(List.of()), timeout, p -> {});
  }

  private List<String> sessionCostArgv(List<String> more) {
    List<String> argv = new ArrayList<>(SshCommand.argv(options));
    argv.addAll(master.clientOptions());
    argv.addAll(more);
    argv.addAll(List.of("-T", target.login(), SessionCost.COMMAND));
    return argv;
  }

  /** Stops the rename shell and the connection master, by pid; idempotent. */
  @Override
  public void close() {
    costLog.close();
    shell.close();
    master.close();
  }

  /** Renames as one {@code mv} each from now on, as on a host without perl. */
  void withoutPerl() {
    perl = false;
  }

  SshMaster master() {
    return master;
  }

  RemoteShell shell() {
    return shell;
  }
}
