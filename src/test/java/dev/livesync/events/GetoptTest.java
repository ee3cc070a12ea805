package dev.livesync.events;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.events.Getopt.LongOpt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Getopt} against glibc's own {@code getopt_long}, called through FFM on the same argv: the
 * same options in the same order with the same arguments, the same operands after glibc's
 * permutation, and the same error lines (glibc's, written to fd 2, caught in a file). The option
 * table is inotifywait's shape, with the long names that abbreviate ambiguously ({@code --f},
 * {@code --in}, {@code --time}) and those that do not.
 */
class GetoptTest {
  private static final String SHORT = "mrhcdsPqt:fo:e:IFS";
  private static final List<LongOpt> LONG = List.of(
      new LongOpt("help", false, 'h'), new LongOpt("event", true, 'e'), new LongOpt("monitor", false, 'm'),
      new LongOpt("quiet", false, 'q'), new LongOpt("timeout", true, 't'), new LongOpt("filename", false, 'f'),
      new LongOpt("recursive", false, 'r'), new LongOpt("inotify", false, 'I'), new LongOpt("fanotify", false, 'F'),
      new LongOpt("filesystem", false, 'S'), new LongOpt("format", true, 'n'), new LongOpt("timefmt", true, 'i'),
      new LongOpt("fromfile", true, 'z'), new LongOpt("outfile", true, 'o'), new LongOpt("exclude", true, 'a'),
      new LongOpt("excludei", true, 'b'), new LongOpt("include", true, 'j'), new LongOpt("includei", true, 'k'),
      new LongOpt("csv", false, 'c'));

  @Provide
  Arbitrary<List<String>> argvs() {
    return Arbitraries.of(
        "-m", "-mr", "-rmq", "-t5", "-t", "5", "-mt", "-e", "create", "-em", "-x", "-:", "-", "--", "---", "dir",
        "x y", "--timeout=3", "--timeout", "--ti", "--time", "--timef=%T", "--t", "--f", "--fo", "--form=%w",
        "--format", "--exclude", "--excl=a", "--excludei=b", "--in", "--inc", "--include=c", "--monitor=1",
        "--mon", "--bogus", "--=x", "--c", "--csv", "--he", "--recursive=", "-o", "--outfile=")
        .list().ofMaxSize(7);
  }

  @Property(tries = 400)
  void readsArgvAsGlibcsGetoptLongDoes(@ForAll("argvs") List<String> args) throws Throwable {
    assertThat(ours(args)).isEqualTo(glibc(args));
  }

  @Example
  void eachKindOfErrorSaysWhatGlibcSays() throws Throwable {
    for (List<String> args : List.of(List.of("-x"), List.of("-t"), List.of("--bogus=1"), List.of("--f"),
        List.of("--monitor=1"), List.of("--timeout"), List.of("--in", "d"))) {
      Parse ours = ours(args);
      assertThat(ours.err()).as("%s", args).isNotEmpty();
      assertThat(ours).as("%s", args).isEqualTo(glibc(args));
    }
  }

  /** What one parse returned: each option as key=optarg, the operands, and what went to stderr. */
  record Parse(List<String> options, List<String> operands, String err) {}

  private static Parse ours(List<String> args) {
    var err = new ByteArrayOutputStream();
    var g = new Getopt("inotifywait", SHORT, LONG, args.toArray(String[]::new), new PrintStream(err, true, StandardCharsets.UTF_8));
    List<String> options = new ArrayList<>();
    for (int c; (c = g.next()) != Getopt.END; ) options.add((char) c + "=" + g.optarg());
    return new Parse(options, List.copyOf(g.operands()), err.toString(StandardCharsets.UTF_8));
  }

  // ---- glibc's getopt_long through FFM ----

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final MethodHandle GETOPT_LONG = fn("getopt_long", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
  private static final MethodHandle DUP = fn("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle DUP2 = fn("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle OPEN = fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MemorySegment OPTIND = LIBC.find("optind").orElseThrow().reinterpret(4);
  private static final MemorySegment OPTARG = LIBC.find("optarg").orElseThrow().reinterpret(8);

  private static MethodHandle fn(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd);
  }

  /** glibc's getopt_long over "inotifywait" + args, its messages caught from fd 2. One at a time: it keeps its state in globals. */
  private static synchronized Parse glibc(List<String> args) throws Throwable {
    if (System.getenv("POSIXLY_CORRECT") != null) throw new IllegalStateException("POSIXLY_CORRECT stops glibc's permutation: unset it");
    Path errFile = Files.createTempFile("getopt", ".err");
    try (Arena arena = Arena.ofConfined()) {
      int argc = args.size() + 1;
      MemorySegment argv = arena.allocate(ADDRESS, argc + 1L);
      argv.setAtIndex(ADDRESS, 0, arena.allocateFrom("inotifywait"));
      for (int i = 0; i < args.size(); i++) argv.setAtIndex(ADDRESS, i + 1, arena.allocateFrom(args.get(i)));
      MemorySegment longopts = arena.allocate(32L * (LONG.size() + 1), 8); // struct option: name, has_arg, flag, val
      for (int i = 0; i < LONG.size(); i++) {
        LongOpt o = LONG.get(i);
        longopts.set(ADDRESS, 32L * i, arena.allocateFrom(o.name()));
        longopts.set(JAVA_INT, 32L * i + 8, o.hasArg() ? 1 : 0);
        longopts.set(JAVA_INT, 32L * i + 24, o.key());
      }
      MemorySegment shortopts = arena.allocateFrom(SHORT);
      List<String> options = new ArrayList<>();
      OPTIND.set(JAVA_INT, 0, 0); // 0: glibc starts over
      int saved = (int) DUP.invokeExact(2);
      int fd = (int) OPEN.invokeExact(arena.allocateFrom(errFile.toString()), 01 | 01000, 0600); // O_WRONLY | O_TRUNC
      int optind;
      try {
        int r = (int) DUP2.invokeExact(fd, 2);
        for (int c; (c = (int) GETOPT_LONG.invokeExact(argc, argv, shortopts, longopts, MemorySegment.NULL)) != -1; ) {
          MemorySegment arg = OPTARG.get(ADDRESS, 0);
          options.add((char) c + "=" + (arg.equals(MemorySegment.NULL) ? null : arg.reinterpret(Long.MAX_VALUE).getString(0)));
        }
        optind = OPTIND.get(JAVA_INT, 0);
      } finally {
        int r = (int) DUP2.invokeExact(saved, 2);
        r = (int) CLOSE.invokeExact(saved);
        r = (int) CLOSE.invokeExact(fd);
      }
      List<String> operands = new ArrayList<>();
      for (int i = optind; i < argc; i++) operands.add(argv.getAtIndex(ADDRESS, i).reinterpret(Long.MAX_VALUE).getString(0));
      return new Parse(options, operands, Files.readString(errFile));
    } finally {
      try {
        Files.deleteIfExists(errFile);
      } catch (IOException ignored) {
        // a temp file
      }
    }
  }
}
