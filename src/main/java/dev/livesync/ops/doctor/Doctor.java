package dev.livesync.ops.doctor;

import dev.livesync.settings.Dirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code livesync doctor}: every check that can tell an operator why replication will not work. */
public final class Doctor {
  /** The default file {@code --fix} writes. */
  public static final Path SYSCTL_FILE = Path.of("/etc/sysctl.d/90-livesync.conf");

  /**
   * What to check. {@code targets} each probe one target's reachability and authentication;
   * {@code syncs} check the syncs as a whole (null: nothing to say) (a target inside its source, overlapping targets, an
   * empty source whose target is not), after the targets.
   */
  public record Input(
      List<Path> sources, List<Path> passwordFiles, List<Supplier<Check>> targets, Path stateDir, String rsync,
      List<Supplier<Check>> syncs, java.util.Set<Path> marked) {
    public Input(List<Path> sources, List<Path> passwordFiles, List<Supplier<Check>> targets, Path stateDir, String rsync) {
      this(sources, passwordFiles, targets, stateDir, rsync, List.of());
    }

    public Input(List<Path> sources, List<Path> passwordFiles, List<Supplier<Check>> targets, Path stateDir, String rsync,
        List<Supplier<Check>> syncs) {
      this(sources, passwordFiles, targets, stateDir, rsync, syncs, java.util.Set.of());
    }
  }

  public record Report(List<Check> checks, String notes) {
    public int exitCode() {
      return checks.stream().anyMatch(c -> c.status() == Check.Status.FAIL) ? 1 : 0;
    }

    public String text() {
      StringBuilder b = new StringBuilder();
      for (Check c : checks) b.append(c.line()).append('\n');
      if (!notes.isEmpty()) b.append('\n').append(notes).append('\n');
      return b.toString();
    }
  }

  private final Input in;

  public Doctor(Input in) {
    this.in = in;
  }

  /** Runs every check; with {@code sysctlFile} non-null, first raises the limits and persists them there. */
  public Report run(Path sysctlFile) {
    List<Check> checks = new ArrayList<>();
    checks.add(rsync());
    Map<String, Long> dirs = new LinkedHashMap<>();
    List<String> marked = new ArrayList<>(); // sources a fanotify mark watches: they need no inotify watch
    for (Path src : in.sources()) {
      boolean fan = in.marked().contains(src);
      checks.add(source(src, fan ? new LinkedHashMap<>() : dirs));
      if (fan) marked.add(src.toString());
    }
    checks.add(stateDir());
    for (Path pw : in.passwordFiles()) checks.add(passwordFile(pw));
    long inUse = WatchUsage.ofUid(Dirs.uid());
    LimitsAdvisor advisor = new LimitsAdvisor(InotifyLimits.current(), dirs, inUse, marked);
    if (sysctlFile != null) {
      checks.add(SysctlFix.apply(advisor.recommendation(), sysctlFile));
      advisor = new LimitsAdvisor(InotifyLimits.current(), dirs, inUse, marked);
    }
    checks.addAll(advisor.checks());
    for (Supplier<Check> t : in.targets()) checks.add(t.get());
    for (Supplier<Check> t : in.syncs()) {
      Check c = t.get();
      if (c != null) checks.add(c);
    }
    // about inotify's limits only when some sync is watched with inotify: fanotify's one mark needs no watch
    boolean inotify = in.sources().stream().anyMatch(src -> !in.marked().contains(src));
    return new Report(checks, inotify ? LimitsAdvisor.explanation() : "");
  }

  private Check rsync() {
    String out = RsyncVersion.run(in.rsync());
    if (out == null) return Check.fail("rsync", "'" + in.rsync() + "' not found: install it (apt-get install rsync)");
    RsyncVersion v = RsyncVersion.parse(out);
    if (v == null) return Check.warn("rsync", "cannot tell the version of '" + in.rsync() + "' from: " + out.lines().findFirst().orElse(""));
    return v.check();
  }

  private static Check source(Path src, Map<String, Long> dirs) {
    String what = "source " + src;
    String problem = dev.livesync.sync.Preflight.source(dev.livesync.fs.Bytes.of(src.toString()));
    if (problem != null) return Check.fail(what, problem);
    DirCounter.Count c = DirCounter.count(dev.livesync.fs.Bytes.of(src.toString()));
    dirs.put(src.toString(), c.dirs());
    if (c.unreadable() > 0) {
      return Check.warn(what, c.dirs() + (c.dirs() == 1 ? " directory, " : " directories, ") + c.unreadable() + " unreadable (their contents will not be replicated): check their modes");
    }
    return Check.ok(what, "readable, " + c.dirs() + (c.dirs() == 1 ? " directory" : " directories"));
  }

  private Check stateDir() {
    Path d = in.stateDir();
    String what = "state dir " + d;
    // tried as run will use it (access(2) says yes to root on /proc, where nothing can be made)
    String problem = dev.livesync.fs.DirProbe.problem(d);
    if (problem != null) return Check.fail(what, problem + ": fix the mode or choose another state dir");
    return Check.ok(what, Files.isDirectory(d) ? "writable" : "will be created");
  }

  private static Check passwordFile(Path pw) {
    String p = dev.livesync.settings.PasswordFile.problem(pw);
    if (p != null) return Check.fail("password file " + pw, p);
    String blank = dev.livesync.settings.PasswordFile.endsInBlank(pw);
    return blank == null ? Check.ok("password file " + pw, "mode 0600, owned by this user") : Check.warn("password file " + pw, blank);
  }
}
