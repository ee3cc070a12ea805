package dev.livesync.ops;

import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.SyncConfig;
import dev.livesync.config.TargetConfig;
import dev.livesync.fs.Bytes;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A source and its targets, from the config file or from {@code SOURCE TARGET...} on the command
 * line: what doctor and verify check.
 */
public record SyncSet(Path source, List<TargetRef> targets) {
  public record TargetRef(String url, TargetOptions options) {}

  public byte[] sourceBytes() {
    return Bytes.of(source.toAbsolutePath().normalize().toString());
  }

  public static List<SyncSet> fromConfig(Config c) {
    List<SyncSet> out = new ArrayList<>();
    for (SyncConfig s : c.syncs()) {
      List<TargetRef> ts = new ArrayList<>();
      for (TargetConfig t : s.targets()) ts.add(new TargetRef(t.url(), t.options(s.exclude())));
      out.add(new SyncSet(s.source(), ts));
    }
    return out;
  }

  /**
   * {@code args}: a source, then its targets ({@code needTarget}: at least one); {@code passwordFile}
   * applies to every rsync daemon target.
   */
  public static List<SyncSet> fromArgs(List<String> args, Path passwordFile, boolean needTarget) {
    if (args.isEmpty()) return List.of();
    if (needTarget && args.size() < 2) throw new LivesyncException("give SOURCE and at least one TARGET (or --config FILE)", 2);
    TargetOptions o = TargetOptions.defaults().withPasswordFile(passwordFile);
    // the password file is for the daemon targets; other kinds given beside them get none
    List<TargetRef> ts = args.subList(1, args.size()).stream()
        .map(u -> new TargetRef(u, dev.livesync.transport.Target.parse(u) instanceof dev.livesync.transport.Target.Daemon ? o : TargetOptions.defaults()))
        .toList();
    return List.of(new SyncSet(Path.of(args.getFirst()), ts));
  }

  /** The distinct password files the targets use. */
  public static List<Path> passwordFiles(List<SyncSet> sets) {
    return sets.stream().flatMap(s -> s.targets().stream()).map(t -> t.options().passwordFile())
        .filter(java.util.Objects::nonNull).distinct().toList();
  }
}
