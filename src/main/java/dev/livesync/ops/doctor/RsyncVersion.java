package dev.livesync.ops.doctor;

import dev.livesync.fs.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The local rsync binary's version, and what livesync thinks of it. */
public record RsyncVersion(int major, int minor, int patch, String raw) implements Comparable<RsyncVersion> {
  private static final Pattern VERSION = Pattern.compile("rsync\\s+version\\s+v?(\\d+)\\.(\\d+)\\.(\\d+)");

  public static RsyncVersion parse(String versionOutput) {
    Matcher m = VERSION.matcher(versionOutput);
    if (!m.find()) return null;
    return new RsyncVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
        m.group(1) + "." + m.group(2) + "." + m.group(3));
  }

  /** Runs {@code binary --version}; null output on failure. */
  public static String run(String binary) {
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    try (ChildProcess p = ChildProcess.command(binary, "--version").noStdin().mergeStderr().tail(0)
        .stdoutLines(line -> lines.add(new String(line, StandardCharsets.UTF_8))).start()) {
      if (!p.waitFor(Duration.ofSeconds(10))) p.kill();
      p.drain();
      return String.join("\n", lines);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  public boolean atLeast(int maj, int min, int pat) {
    return compareTo(new RsyncVersion(maj, min, pat, "")) >= 0;
  }

  @Override
  public int compareTo(RsyncVersion o) {
    if (major != o.major) return Integer.compare(major, o.major);
    if (minor != o.minor) return Integer.compare(minor, o.minor);
    return Integer.compare(patch, o.patch);
  }

  /** The doctor line for this version (from rsync's NEWS for the releases that matter to us). */
  public Check check() {
    String what = "rsync";
    if (!atLeast(3, 1, 0)) {
      return Check.fail(what, raw + " is too old: livesync needs >= 3.1 for --delete-missing-args; install a current rsync");
    }
    if (!atLeast(3, 2, 3)) {
      return Check.warn(what, raw + ": --delete-missing-args with -R could recreate the parent of a deleted path (fixed in 3.2.3); upgrade");
    }
    if (major == 3 && minor == 2 && patch == 4) {
      return Check.warn(what, raw + ": mishandles backslash-quoted remote args with its new arg escaping (fixed in 3.2.5); upgrade");
    }
    if (major == 3 && minor == 2 && (patch == 5 || patch == 6)) {
      return Check.warn(what, raw + ": its file-list validation rejects valid --relative/--files-from transfers ('unrequested file-list name', fixed in 3.2.7); upgrade");
    }
    return Check.ok(what, raw);
  }
}
