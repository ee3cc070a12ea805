package dev.livesync.cli;

import dev.livesync.config.Config;
import dev.livesync.ops.doctor.LimitsAdvisor;
import dev.livesync.ops.service.SystemdUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import picocli.AutoComplete;

/**
 * The generated files of the .deb and the tarball, written at build time by {@code scripts/package}
 * from the same model the program uses: man pages (picocli's model), bash and zsh completion
 * (picocli's AutoComplete), the systemd units (the template of {@code install-service}) and the
 * sysctl file.
 *
 * <pre>java -cp livesync.jar dev.livesync.cli.PackageFiles OUTDIR VERSION DATE LAUNCHER</pre>
 */
public final class PackageFiles {
  /** The inotify limits the package sets: a tree of up to a million directories; never lowers a value already higher. */
  static final LimitsAdvisor.Recommendation SYSCTL = new LimitsAdvisor.Recommendation(1_048_576, 65_536, 256);

  private PackageFiles() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: PackageFiles OUTDIR VERSION DATE(YYYY-MM-DD) LAUNCHER");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    for (var e : files(args[1], args[2], args[3]).entrySet()) {
      Path f = out.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
    }
  }

  /** Relative path → content, sorted. */
  static Map<String, String> files(String version, String date, String launcher) {
    Map<String, String> files = new TreeMap<>();
    for (ManPages.Page p : new ManPages(version, date).all(Main.commandLine())) files.put("man/" + p.name() + ".1", p.troff());
    String bash = AutoComplete.bash("livesync", Main.commandLine());
    files.put("completion/bash/livesync", bash);
    files.put("completion/zsh/_livesync", zsh(bash));
    files.put("systemd/livesync.service", SystemdUnit.render(launcher, "run", Config.DEFAULT_PATH, "man:livesync-run(1)"));
    files.put("systemd/livesync@.service", SystemdUnit.render(launcher, "run", Path.of("/etc/livesync/%i.toml"), "man:livesync-run(1)"));
    files.put("systemd/livesync-serve.service", SystemdUnit.render(launcher, "serve", Config.DEFAULT_PATH, "man:livesync-serve(1)"));
    files.put("sysctl/90-livesync.conf", "# Installed by the livesync package: inotify limits for live replication of large trees\n"
        + "# (one watch per directory, ~1 KB of unswappable kernel memory per watch in use).\n"
        + "# 'livesync doctor --fix' writes /etc/sysctl.d/90-livesync.conf, which replaces this file.\n"
        + SYSCTL.sysctlConf().lines().filter(l -> !l.startsWith("#")).map(l -> l + "\n").reduce("", String::concat));
    return files;
  }

  /**
   * zsh loads {@code _livesync} from its fpath as the completion function; picocli's script works in
   * zsh through bashcompinit, so the function defines it once and then completes through it.
   */
  private static String zsh(String bash) {
    return "#compdef livesync\n"
        + "# livesync completion for zsh: picocli's bash completion through zsh's bashcompinit.\n"
        + "autoload -U +X bashcompinit && bashcompinit\n"
        + "if (( ! $+functions[_complete_livesync] )); then\n"
        + bash.replaceAll("(?m)^complete .*$", "")
        + "\nfi\n"
        + "_bash_complete -o default -F _complete_livesync \"$@\"\n";
  }
}
