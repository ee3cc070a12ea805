package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.Durations;
import dev.livesync.config.SyncConfig;
import dev.livesync.config.TargetConfig;
import dev.livesync.fs.Bytes;
import dev.livesync.sync.DeletePolicy;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Excludes;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what {@code run} was given — a config file, or SOURCE TARGET... with flags — into one
 * {@link EngineSettings} per sync. Both paths end in the same settings, so a config and the
 * equivalent command line behave the same.
 */
final class RunPlan {
  private RunPlan() {}

  static List<EngineSettings> fromConfig(Config c) {
    List<EngineSettings> out = new ArrayList<>();
    for (SyncConfig s : c.syncs()) {
      byte[] source = sourceOf(s.source());
      List<Transport> ts = new ArrayList<>();
      for (TargetConfig t : s.targets()) ts.add(new RsyncTransport(source, t.target(), t.options(s.exclude())));
      out.add(new EngineSettings(s.name(), source, ts, new Excludes(s.exclude()), s.delay(), s.maxHold(), s.workers(),
          s.delete(), s.stateDir(), s.exec(), s.schedule(), s.batchMaxFiles(), s.batchMaxBytes(),
          s.largeFileThreshold(), EngineSettings.DEFAULT_MAX_QUEUED_PATHS, s.retry().initial(), s.retry().max()));
    }
    return out;
  }

  /** The command-line form: {@code args} = SOURCE TARGET..., with the flags of {@link RunCommand}. */
  static EngineSettings fromArgs(RunCommand o) {
    if (o.args.size() < 2) throw new LivesyncException("give SOURCE and at least one TARGET, or --config FILE (see livesync run --help)", 2);
    byte[] source = sourceOf(Path.of(o.args.getFirst()));
    TargetOptions options = TargetOptions.defaults()
        .withPasswordFile(o.passwordFile)
        .withSsh(o.sshKey, o.sshPort, o.knownHosts)
        .withTuning(o.bwlimit, o.compress, o.checksum, o.rsyncArgs)
        .withExcludes(o.excludes)
        .withTimeoutSeconds(o.timeoutSeconds);
    List<Transport> ts = new ArrayList<>();
    boolean daemon = false, ssh = false;
    for (String url : o.args.subList(1, o.args.size())) {
      // the daemon flags go to the daemon targets, the ssh flags to the ssh targets
      Target t = Target.parse(url);
      daemon |= t instanceof Target.Daemon;
      ssh |= t instanceof Target.Ssh;
      TargetOptions to = options;
      if (!(t instanceof Target.Daemon)) to = to.withPasswordFile(null);
      if (!(t instanceof Target.Ssh)) to = to.withSsh(null, 0, null);
      ts.add(new RsyncTransport(source, t, to));
    }
    if (o.passwordFile != null && !daemon) throw new LivesyncException("--password-file is for rsync daemon targets (rsync://… or host::module); none was given", 2);
    if ((o.sshKey != null || o.sshPort != 0 || o.knownHosts != null) && !ssh)
      throw new LivesyncException("--ssh-key, --ssh-port and --known-hosts are for ssh targets (host:/path); none was given", 2);
    String name = o.name != null ? o.name : defaultName(source);
    Path state = (o.stateDir != null ? o.stateDir : EngineSettings.DEFAULT_STATE_ROOT.resolve(name)).toAbsolutePath();
    EngineSettings s = EngineSettings.of(name, source, ts)
        .withExcludes(new Excludes(o.excludes))
        .withDelay(duration(o.delay, "--delay"))
        .withMaxHold(duration(o.maxHold, "--max-hold"))
        .withWorkers(o.workers)
        .withBatchLimits(o.batchMaxFiles, size(o.batchMaxBytes, "--batch-max-bytes"))
        .withDelete(DeletePolicy.parse(o.delete))
        .withStateDir(state)
        .withExec(o.exec)
        .withRetry(duration(o.retryInitial, "--retry-initial"), duration(o.retryMax, "--retry-max"));
    if (o.schedule != null) s = s.withSchedule(duration(o.schedule, "--schedule"));
    if (o.workers < 1) throw new LivesyncException("--workers must be at least 1", 2);
    if (o.batchMaxFiles < 1) throw new LivesyncException("--batch-max-files must be at least 1", 2);
    return s;
  }

  /** A name for the state dir from the source path: {@code /srv/www} → {@code srv_www}. */
  static String defaultName(byte[] source) {
    String s = new String(source, java.nio.charset.StandardCharsets.UTF_8).replaceAll("^/+|/+$", "");
    s = s.replaceAll("[^A-Za-z0-9._-]+", "_");
    return s.isEmpty() ? "root" : s;
  }

  private static byte[] sourceOf(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs)) {
      throw new LivesyncException("source " + abs + (Files.exists(abs) ? " is not a directory" : " does not exist"), 2);
    }
    return Bytes.of(abs.toString());
  }

  /** A flag's size value (at least one byte), or a clear error naming the flag. */
  static long size(String v, String flag) {
    Long n = dev.livesync.config.Sizes.parse(v);
    if (n == null || n < 1) throw new LivesyncException(flag + " " + v + ": expected a size such as 64MiB, 500M, 1GiB", 2);
    return n;
  }

  /** A flag's duration value, or a clear error naming the flag. */
  static Duration duration(String v, String flag) {
    Duration d = Durations.parse(v);
    if (d == null) throw new LivesyncException(flag + " " + v + ": expected a duration such as 200ms, 2s, 5m", 2);
    return d;
  }
}
