package org.imagegen;

import org.apache.camel.main.Main;

/** Starts the bundle: Camel Main with properties from config/ and YAML routes from routes/. */
public final class App {

    public static final String CONFIG = "file:config/application.properties";

    private App() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(App.class);
        main.setDefaultPropertyPlaceholderLocation(CONFIG);
        main.run(args);
    }
}
