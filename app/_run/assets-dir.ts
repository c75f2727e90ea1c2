/** Where the built Run assets live, relative to the app's root (outside public/: they are served by an authenticated route). */
export const RUN_ASSETS_DIR = ".cache/run-assets";
