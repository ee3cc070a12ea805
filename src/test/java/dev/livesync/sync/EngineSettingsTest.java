package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.settings.MaxDelete;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TargetSpec;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A reload (SIGHUP) keeps a sync running when its settings are equal to what it runs with, and
 * restarts it when they differ: the source is a byte[], so equality is written by hand and must
 * take in every setting.
 */
class EngineSettingsTest {
  private static EngineSettings settings(String source) {
    return EngineSettings.builder("www", Bytes.of(source))
        .target(TargetSpec.of("/backup/www", TargetOptions.defaults()))
        .stateDir(Path.of("/var/lib/livesync/www"))
        .exec("logger synced")
        .schedule(Duration.ofHours(1))
        .build();
  }

  /**
   * Default names: a plain path keeps its readable name; paths that differ only in what a name cannot
   * hold (letters outside ASCII, spaces) or beyond its 64 characters got one name, hence one state dir
   * (the second run refused as "already running", two [[sync]] as "already named").
   */
  @Test
  void defaultNamesOfDifferentSourcesDiffer() {
    assertThat(EngineSettings.defaultName(Bytes.of("/srv/www"))).isEqualTo("srv_www");
    assertThat(EngineSettings.defaultName(Bytes.of("/"))).isEqualTo("root");
    List<String> sources = List.of("/data/日本", "/data/中国", "/srv/a b", "/srv/a_b", "/srv/a  b", "/x/" + "d".repeat(70) + "1",
        "/y/" + "d".repeat(70) + "1");
    List<String> names = sources.stream().map(s -> EngineSettings.defaultName(Bytes.of(s))).toList();
    assertThat(names).doesNotHaveDuplicates().allSatisfy(n -> assertThat(n).hasSizeLessThanOrEqualTo(64)
        .matches("[A-Za-z0-9][A-Za-z0-9._-]*"));
    assertThat(names.get(0)).matches("data-[0-9a-f]{8}");
    assertThat(names.get(3)).isEqualTo("srv_a_b");
  }

  @Test
  void theSameSettingsReadAgainAreEqualThoughTheSourceIsAnotherArray() {
    EngineSettings before = settings("/data/www");
    EngineSettings after = settings("/data/www");
    assertThat(after.source()).isNotSameAs(before.source());
    assertThat(after).isEqualTo(before).hasSameHashCodeAs(before);
    assertThat(settings("/data/www2")).isNotEqualTo(before);
  }

  @Test
  void everySettingTakesPartInEquality() throws Exception {
    EngineSettings base = settings("/data/www");
    RecordComponent[] parts = EngineSettings.class.getRecordComponents();
    Constructor<EngineSettings> canonical =
        EngineSettings.class.getDeclaredConstructor(Arrays.stream(parts).map(RecordComponent::getType).toArray(Class<?>[]::new));
    for (int i = 0; i < parts.length; i++) {
      Object[] values = new Object[parts.length];
      for (int j = 0; j < parts.length; j++) values[j] = parts[j].getAccessor().invoke(base);
      values[i] = other(values[i]);
      assertThat(canonical.newInstance(values)).as("settings differing in %s", parts[i].getName()).isNotEqualTo(base);
    }
  }

  /** A value of the same type as {@code v}, unequal to it. */
  private static Object other(Object v) {
    return switch (v) {
      case String s -> s + "x";
      case byte[] b -> Bytes.concat(b, Bytes.of("x"));
      case List<?> l -> List.of();
      case Excludes e -> new Excludes(List.of("*.tmp"));
      case Duration d -> d.plusMillis(1);
      case Integer n -> n + 1;
      case Long n -> n + 1;
      case DeletePolicy p -> p == DeletePolicy.NEVER ? DeletePolicy.ALWAYS : DeletePolicy.NEVER;
      case Path p -> p.resolve("x");
      case WatcherChoice.Kind k -> k == WatcherChoice.Kind.FANOTIFY ? WatcherChoice.Kind.INOTIFY : WatcherChoice.Kind.FANOTIFY;
      case MaxDelete m -> new MaxDelete(m.percent() + 1, m.paths());
      case StartupMode m -> m == StartupMode.FULL ? StartupMode.CHANGES : StartupMode.FULL;
      case dev.livesync.settings.Key.Naming n -> n == dev.livesync.settings.Key.Naming.FLAG ? dev.livesync.settings.Key.Naming.CONFIG : dev.livesync.settings.Key.Naming.FLAG;
      default -> throw new AssertionError("no other value for a " + v.getClass().getName() + ": add one here");
    };
  }
}
