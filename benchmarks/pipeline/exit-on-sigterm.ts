// Preloaded (`--import`) into a profiled job: SIGTERM exits normally, so `--cpu-prof` writes its profile.
process.once('SIGTERM', () => process.exit(0));
