package org.imagegen.bench;

import java.util.concurrent.Executors;

import org.apache.camel.main.Main;

/** Runs the benchmark's baseline route (bench/naive-loop.camel.yaml) with one thread per request in flight. */
public final class NaiveLoopApp {

    private NaiveLoopApp() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(NaiveLoopApp.class);
        main.configure().withRoutesIncludePattern("classpath:bench/naive-loop.camel.yaml");
        main.bind("naiveThreads", Executors.newFixedThreadPool(Integer.getInteger("bench.threads", 1000)));
        main.run(args);
    }
}
