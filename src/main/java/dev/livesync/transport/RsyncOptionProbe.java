package dev.livesync.transport;

import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Whether rsync itself takes a target's extra arguments, asked once before anything runs:
 * {@code rsync ARG... --version} parses every option as a transfer would — an unknown option, a bad
 * value ({@code --bwlimit=fast}), two options in one argument ({@code "--numeric-ids -H"}) are its
 * usage errors, exit 1 — and transfers nothing (a local dry run would also refuse daemon-only
 * options such as {@code --contimeout}). Without it such an argument passed every check and each run
 * failed with "a target refused us" (exit 5). {@link PassThroughArgs} refuses, before this, what
 * rsync takes but the engine cannot have. The answer is kept per rsync command and arguments.
 */
public final class RsyncOptionProbe {
  private RsyncOptionProbe() {}

  private static final Map<List<String>, Optional<String>> said = new ConcurrentHashMap<>();

  /**
   * The refusal ({@link Key#EXTRA_ARGS}) of the first of {@code options}' extra arguments rsync does
   * not take, in rsync's words; null when it takes them all, or when rsync cannot be run here (the
   * start and doctor say that themselves).
   */
  public static SettingException problem(TargetOptions options) {
    List<String> args = options.extraArgs();
    if (args.isEmpty()) return null;
    String all = refusal(options.rsyncCommand(), args);
    if (all == null) return null;
    for (String a : args) {
      String one = refusal(options.rsyncCommand(), List.of(a));
      if (one != null) return refuse(a, one);
    }
    return refuse(args.getLast(), all); // each alone is taken, not together
  }

  private static SettingException refuse(String arg, String rsyncSays) {
    String words = "rsync does not take it (" + rsyncSays + ")";
    if (arg.startsWith("-") && arg.strip().matches("\\S+\\s+-.*")) {
      return Key.EXTRA_ARGS.refuse(arg, words.replace("%", "%%") + ": these are two options in one argument; give one option (with its"
          + " value) per %s", Key.EXTRA_ARGS);
    }
    return Key.EXTRA_ARGS.refuse(arg, words);
  }

  /** What rsync says of {@code args} (its first line, without "rsync: "), or null when it takes them or cannot be run. */
  private static String refusal(List<String> rsync, List<String> args) {
    List<String> cmd = new ArrayList<>(rsync);
    cmd.addAll(args);
    cmd.add("--version");
    return said.computeIfAbsent(cmd, c -> Optional.ofNullable(ask(c))).orElse(null);
  }

  private static String ask(List<String> cmd) {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      return null; // no rsync: not this check's to say
    }
    try {
      byte[] err = p.getErrorStream().readNBytes(4096);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 1) return null;
      for (String line : new String(err, StandardCharsets.UTF_8).split("\n")) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("rsync error:")) continue;
        return l.startsWith("rsync: ") ? l.substring("rsync: ".length()) : l;
      }
      return "a syntax or usage error";
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      p.destroyForcibly();
    }
  }
}
