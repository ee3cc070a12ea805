package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;

/**
 * The shell script an ssh target's rename shell ({@link RemoteShell}) runs for a group of renames:
 * {@code cd} to the target directory (exit 90 when it cannot), then each move in order, {@code mv -f
 * -T} semantics, only of an existing old name (a symlink counts, even a dangling one); exit 91 when
 * any old name was missing or any move failed.
 *
 * <p>Where the target host has {@code perl} (on Debian and its derivatives it is essential), one perl
 * process does every move with {@code rename(2)}, falling back to {@code mv} for a move rename(2)
 * refuses (another file system below the target, say); without it, the shell runs {@code mv} once per
 * move. A process per move is what made renames the ssh target's slowest work: 6.8 ms per {@code mv}
 * on the test machine, 500 renames 3.4 s, against 22 ms for the 500 in one perl. The names go
 * hex-encoded in a here-document to perl and single-quoted to the shell ({@link SshCommand#shellQuote}),
 * so no byte of a name passes through a command line or is read by the shell as code.
 */
final class RenameScript {
  private RenameScript() {}

  /** The perl program: reads "HEXFROM HEXTO" lines; its argument is 1 where an existing new name is kept (versions). */
  private static final String PERL = "my $keep = shift; my $bad = 0;"
      + " while (<STDIN>) { chomp; my ($f, $t) = map { pack(\"H*\", $_) } split / /;"
      + " if ($keep && (-e $t || -l $t)) { $bad++; next; }"
      + " if (-e $f || -l $f) { rename($f, $t) or system(\"mv\", \"-f\", \"-T\", \"--\", $f, $t) == 0 or $bad++; } else { $bad++; } }"
      + " exit($bad ? 91 : 0);";
  private static final String END = "@livesync-moves";

  /**
   * The script for {@code moves} in {@code dir}; {@code keepExisting}: a new name that exists is not
   * replaced (the move counts as failed); {@code perl}: false leaves the perl branch out (for tests).
   */
  static byte[] of(byte[] dir, List<Transport.Move> moves, boolean keepExisting, boolean perl) {
    var script = new ByteArrayOutputStream();
    script.writeBytes(Bytes.of("cd -- "));
    script.writeBytes(SshCommand.shellQuote(dir));
    script.writeBytes(Bytes.of(" || exit 90\n"));
    if (perl) {
      script.writeBytes(Bytes.of("if command -v perl >/dev/null 2>&1; then\nperl -e '" + PERL + "' " + (keepExisting ? 1 : 0) + " <<'" + END + "'\n"));
      HexFormat hex = HexFormat.of();
      for (Transport.Move m : moves) script.writeBytes(Bytes.of(hex.formatHex(m.from()) + " " + hex.formatHex(m.to()) + "\n"));
      script.writeBytes(Bytes.of(END + "\nexit $?\nfi\n"));
    }
    script.writeBytes(Bytes.of("bad=0\n"));
    for (Transport.Move m : moves) {
      script.writeBytes(Bytes.of("f="));
      script.writeBytes(SshCommand.shellQuote(m.from()));
      script.writeBytes(Bytes.of("\nt="));
      script.writeBytes(SshCommand.shellQuote(m.to()));
      if (keepExisting) script.writeBytes(Bytes.of("\nif [ -e \"$t\" ] || [ -L \"$t\" ]; then bad=$((bad+1)); el"));
      else script.writeBytes(Bytes.of("\n"));
      script.writeBytes(Bytes.of("if [ -e \"$f\" ] || [ -L \"$f\" ]; then mv -f -T -- \"$f\" \"$t\" || bad=$((bad+1)); else bad=$((bad+1)); fi\n"));
    }
    script.writeBytes(Bytes.of("[ \"$bad\" -eq 0 ] || exit 91\n"));
    return script.toByteArray();
  }
}
