package dev.livesync.cli;

import dev.livesync.Exit;
import dev.livesync.LivesyncException;
import dev.livesync.transport.TransportException;
import dev.livesync.transport.VersionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    defaultValueProvider = KeyDefaults.class,
    description = {
      "Write the tree (or PATHs of it) as it was at TIME on a target into DIR.",
      "It comes from the versions livesync keeps there (run --versions), the snapshots of serve --snapshots",
      "and the live files: each path as its first version kept after TIME or snapshot taken at or after",
      "TIME, else the live file, if it existed at TIME.",
      "--to DIR: a new or empty directory. --to-source DIR: into the (live) source, skipping files that",
      "are newer there, unless --force; it says how many it skipped.",
      "Exit 0 restored, 1 nothing kept for that time (or those paths), or files skipped as newer at the source,",
      "2 bad arguments, 69 the target could not be read (unreachable, refused, or no such directory)."
    })
final class RestoreCommand extends Subcommand {
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");


  @Mixin TargetFlags target;

  @Parameters(index = "1..*", paramLabel = "PATH", description = "Only these paths (and what is under them), relative to the target.")
  List<String> paths = new ArrayList<>();

  @Option(names = "--at", required = true, paramLabel = "TIME", description = "A time: local 'YYYY-MM-DD HH:MM:SS', or ISO-8601 (2026-12-02T06:30:00Z, or with an offset).")
  String at;

  @Option(names = "--to", paramLabel = "DIR", description = "Write into this directory (made if missing; must be empty).")
  Path to;

  @Option(names = "--to-source", paramLabel = "DIR", description = "Write into the source DIR itself, not overwriting files that are newer there.")
  Path toSource;

  @Option(names = "--force", description = "With --to-source: overwrite newer files too.")
  boolean force;

  @Override
  public Integer call() throws InterruptedException {
    Instant when = parseTime(at);
    if ((to == null) == (toSource == null)) throw new LivesyncException("give --to DIR or --to-source DIR", Exit.USAGE);
    if (force && toSource == null) throw new LivesyncException("--force is for --to-source", Exit.USAGE);
    Path dir = (to != null ? to : toSource).toAbsolutePath().normalize();
    if (to != null && Files.isDirectory(dir) && !isEmpty(dir)) {
      throw new LivesyncException("--to " + dir + ": not empty (restore into a new or empty directory, or use --to-source)", Exit.USAGE);
    }
    if (toSource != null && !Files.isDirectory(dir)) throw new LivesyncException("--to-source " + dir + ": not a directory", Exit.USAGE);
    var spec = target.spec();
    var store = new VersionStore(spec.target(), spec.options());
    List<String> only = paths.stream().map(RestoreCommand::relative).toList(); // as VersionStore.Copy#path: bytes
    Map<String, VersionStore.Copy> picked;
    List<String> newer, missing;
    try {
      picked = new TreeMap<>(VersionStore.at(store.copies(), when));
      picked.keySet().removeIf(p -> !only.isEmpty() && only.stream().noneMatch(o -> p.equals(o) || p.startsWith(o + "/")));
      if (picked.isEmpty()) {
        err().println("livesync restore: nothing is kept on " + spec.target().describe() + " for " + when
            + (only.isEmpty() ? "" : " under " + String.join(", ", only.stream().map(RestoreCommand::shown).toList())));
        return Exit.FAILED;
      }
      for (String o : only) {
        if (picked.keySet().stream().noneMatch(p -> p.equals(o) || p.startsWith(o + "/"))) {
          err().println("livesync restore: nothing is kept of " + shown(o) + " for " + when + " (skipped)");
        }
      }
      Files.createDirectories(dir);
      VersionStore.Fetched fetched = store.fetch(picked, dir, toSource != null && !force);
      missing = fetched.missing();
      picked.keySet().removeAll(missing);
      for (String m : fetched.messages()) err().println("livesync restore: " + (m.startsWith("rsync") ? m : "rsync: " + m));
      for (String p : missing.subList(0, Math.min(missing.size(), SKIPPED_SHOWN))) {
        err().println("livesync restore: " + shown(p) + ": not restored (rsync did not write it into " + dir + "; see its messages above)");
      }
      if (missing.size() > SKIPPED_SHOWN) err().println("livesync restore: and " + (missing.size() - SKIPPED_SHOWN) + " more files not restored");
      newer = fetched.newer();
      picked.keySet().removeAll(newer);
      for (String p : newer.subList(0, Math.min(newer.size(), SKIPPED_SHOWN))) {
        err().println("livesync restore: " + shown(p) + ": newer in " + dir + ", not overwritten");
      }
      if (newer.size() > SKIPPED_SHOWN) err().println("livesync restore: and " + (newer.size() - SKIPPED_SHOWN) + " more newer files not overwritten");
    } catch (TransportException e) {
      throw VersionStore.failure(e);
    } catch (IOException e) {
      throw new LivesyncException("cannot write " + dir + ": " + e.getMessage(), Exit.CANNOT_WRITE, e);
    }
    long versions = picked.values().stream().filter(c -> c.kept() != null && !c.snapshot()).count();
    long snapshots = picked.values().stream().filter(VersionStore.Copy::snapshot).count();
    var out = out();
    out.println("restored " + picked.size() + " files as of " + when + " into " + dir + " (" + versions + " from kept versions, "
        + (snapshots > 0 ? snapshots + " from snapshots, " : "") + (picked.size() - versions - snapshots) + " live)"
        + (newer.isEmpty() ? "" : "; skipped " + newer.size() + " newer there (--force overwrites them)")
        + (missing.isEmpty() ? "" : "; " + missing.size() + " not restored"));
    out.flush();
    return newer.isEmpty() && missing.isEmpty() ? Exit.OK : Exit.FAILED; // not all as it was: a script must not take it for restored
  }

  /** Skipped files named one by one on stderr, at most. */
  private static final int SKIPPED_SHOWN = 20;

  /** ISO-8601 with a zone or offset, or local time "YYYY-MM-DD HH:MM:SS"; else a usage error. */
  static Instant parseTime(String text) {
    String t = text.strip();
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return LocalDateTime.parse(t, LOCAL).atZone(ZoneId.systemDefault()).toInstant();
    } catch (DateTimeParseException e) {
      throw new LivesyncException("--at " + text + ": expected an ISO-8601 time such as 2026-12-02T06:30:00Z or a local time such as '2026-12-02 07:30:00'",
          Exit.USAGE);
    }
  }

  /** A path as {@link VersionStore.Copy#path} holds it (its bytes, one char each), for people. */
  static String shown(String p) {
    return dev.livesync.fs.Bytes.display(dev.livesync.fs.Bytes.fromLatin1(p));
  }

  /**
   * {@code p} as the target names it: no leading "./" or "/", no trailing "/"; otherwise exactly as
   * given (a name is its bytes: spaces at either end are part of it, and it need not be UTF-8), one
   * char per byte, as {@link VersionStore.Copy#path}.
   */
  static String relative(String p) {
    String r = dev.livesync.fs.Bytes.latin1(dev.livesync.events.RawArgs.bytes(p));
    while (r.startsWith("./")) r = r.substring(2);
    while (r.startsWith("/")) r = r.substring(1);
    while (r.endsWith("/") && r.length() > 1) r = r.substring(0, r.length() - 1);
    if (r.isEmpty() || r.equals("..") || r.startsWith("../") || r.contains("/../")) throw new LivesyncException("PATH " + p + ": expected a path inside the target", Exit.USAGE);
    return r;
  }

  private static boolean isEmpty(Path dir) {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }
}
