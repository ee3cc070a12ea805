package dev.livesync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code /usr/sbin/sshd -D} on 127.0.0.1 at a free port, with a temp host key and a temp
 * authorized_keys holding a generated ed25519 client key for root. It reads only its own temp
 * sshd_config (never /etc/ssh). {@link #close()} kills it by its process handle.
 *
 * <p>Its sessions get {@code HOME} set to an empty directory of its own ({@code SetEnv}; the working
 * directory stays root's home): sshd runs every command through root's login shell, and Debian's
 * bash reads {@code $HOME/.bashrc} for commands run by sshd. This machine's root {@code .bashrc} runs
 * {@code pyenv init}, 0.8 s a session, which every rsync run of every ssh test would wait for; a
 * test that wants a slow login writes its own ({@link #loginShellRc}).
 *
 * <pre>{@code
 * try (var sshd = Sshd.start()) {
 *   // ssh sshd.sshOptions()... root@127.0.0.1 true
 * }
 * }</pre>
 */
public final class Sshd implements AutoCloseable {
  private static final String SSHD = "/usr/sbin/sshd";
  private final int port;
  private final Path home;
  private final Path clientKey;
  private final Path knownHosts;
  private final Path config;
  private final Path output;
  private final Path loginHome;
  private final String hostPublicKey;
  private Process process;

  private Sshd() {
    this.port = FreePort.find();
    this.home = TempFiles.dir("livesync-sshd");
    Path hostKey = home.resolve("host_ed25519");
    this.clientKey = home.resolve("client_ed25519");
    this.knownHosts = home.resolve("known_hosts");
    this.config = home.resolve("sshd_config");
    this.output = home.resolve("sshd.log");
    this.loginHome = home.resolve("login-home");
    Processes.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "livesync-test-host", "-f", hostKey.toString()));
    Processes.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "livesync-test-client", "-f", clientKey.toString()));
    try {
      hostPublicKey = Files.readString(home.resolve("host_ed25519.pub")).trim();
      Files.copy(home.resolve("client_ed25519.pub"), home.resolve("authorized_keys"));
      Files.createFile(knownHosts);
      Files.createDirectory(loginHome);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TempFiles.write(config, String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + hostKey,
        "PidFile none",
        "UsePAM no",
        "StrictModes no",
        "PermitRootLogin yes",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "AuthorizedKeysFile " + home.resolve("authorized_keys"),
        "PrintMotd no",
        "LogLevel VERBOSE",
        "MaxStartups 100:30:200",
        "MaxSessions 100",
        "SetEnv HOME=" + loginHome,
        "") );
  }

  /** Generates keys and starts sshd; waits until it sends its banner. */
  public static Sshd start() throws InterruptedException {
    var s = new Sshd();
    try {
      s.startProcess();
    } catch (RuntimeException | InterruptedException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void startProcess() throws InterruptedException {
    ensurePrivsepDir();
    try {
      process = new ProcessBuilder(SSHD, "-D", "-e", "-f", config.toString())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
          .start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start sshd", e);
    }
    FreePort.awaitAccepting(port, process, Duration.ofSeconds(30), this::log);
  }

  /** sshd refuses to start without its privilege separation directory (normally made by systemd). */
  private static void ensurePrivsepDir() {
    Path dir = Path.of("/run/sshd");
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create /run/sshd (sshd privilege separation dir)", e);
    }
  }

  public int port() {
    return port;
  }

  public String user() {
    return "root";
  }

  public String host() {
    return "127.0.0.1";
  }

  /** The client's private key (its authorized_keys entry is installed). */
  public Path clientKey() {
    return clientKey;
  }

  /** An initially empty known_hosts file for clients (accept-new fills it). */
  public Path knownHostsFile() {
    return knownHosts;
  }

  /** {@code [127.0.0.1]:port ssh-ed25519 AAAA...}: the line a known_hosts file needs to trust this server. */
  public String knownHostsLine() {
    String[] parts = hostPublicKey.split(" ");
    return "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1];
  }

  /** Options for {@code ssh} (or rsync's {@code -e}) to log in as root without prompts. */
  public List<String> sshOptions() {
    return new ArrayList<>(List.of(
        "-F", "/dev/null",
        "-p", Integer.toString(port),
        "-i", clientKey.toString(),
        "-o", "IdentitiesOnly=yes",
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=accept-new",
        "-o", "UserKnownHostsFile=" + knownHosts));
  }

  /** The full {@code ssh ... root@127.0.0.1} prefix; append a remote command. */
  public List<String> sshCommand() {
    var cmd = new ArrayList<String>();
    cmd.add("ssh");
    cmd.addAll(sshOptions());
    cmd.add(user() + "@" + host());
    return cmd;
  }

  /**
   * How many logins sshd has accepted so far (its VERBOSE log has one "Accepted publickey" line per
   * authenticated connection; sessions multiplexed over a connection add none).
   */
  public int logins() {
    return (int) TempFiles.readOrEmpty(output).lines().filter(l -> l.contains("Accepted publickey")).count();
  }

  /** Writes the {@code .bashrc} root's login shell reads for every session's command from now on. */
  public void loginShellRc(String script) {
    TempFiles.write(loginHome.resolve(".bashrc"), script);
  }

  public String log() {
    return "--- sshd_config\n" + TempFiles.readOrEmpty(config) + "--- log\n" + TempFiles.readOrEmpty(output);
  }

  @Override
  public synchronized void close() {
    Processes.killTree(process);
    process = null;
    TempFiles.deleteTree(home);
  }
}
