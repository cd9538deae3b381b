package ephemeral.e2e;

import com.microsoft.playwright.Page;

import java.nio.file.Path;

/** Screenshots kept as test artifacts under target/screenshots/ (for people to look at). */
public final class Screenshots {
    /** Where they go, relative to the module directory (surefire's working directory). */
    public static final Path DIR = Path.of("target", "screenshots");

    private Screenshots() {
    }

    /**
     * Saves a full-page screenshot.
     *
     * @param page the page
     * @param name file name without extension, e.g. "home-phone-chromium"
     * @return the written file
     */
    public static Path save(Page page, String name) {
        Path file = DIR.resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(file));
        return file;
    }
}
