package dev.livesync.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench --scrape}: what a Prometheus server and an open status page cost the replicator. Once
 * a second, GET {@code /metrics} and {@code /api/page} from livesync's {@code --http} port, on a
 * thread of the bench process (its CPU is not the replicator's).
 */
public final class Scraper implements AutoCloseable {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final int port;
  private final Thread thread;
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean stop;

  public Scraper(int port) {
    this.port = port;
    this.thread = Thread.ofPlatform().name("bench-scraper").daemon().start(this::loop);
  }

  private void loop() {
    while (!stop) {
      long next = System.nanoTime() + 1_000_000_000L;
      for (String path : new String[] {"/metrics", "/api/page"}) {
        try {
          var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding());
          (r.statusCode() == 200 ? ok : failed).incrementAndGet();
        } catch (java.io.IOException e) {
          failed.incrementAndGet(); // not up yet, or between runs
        } catch (InterruptedException e) {
          return;
        }
      }
      long wait = (next - System.nanoTime()) / 1_000_000;
      if (wait > 0) {
        try {
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  public String summary() {
    return "scraped /metrics and /api/page once a second: " + ok.get() + " answers, " + failed.get() + " failed (between runs the port is closed)";
  }

  @Override
  public void close() {
    stop = true;
    thread.interrupt();
  }
}
