/* replay.h - what the fuzz targets' replay programs share (not used by the
 * libFuzzer builds, which define OT_LIBFUZZER): a fixed-seed generator for
 * their --random mode, and replaying files through the target's run(). */
#ifndef OT_FUZZ_REPLAY_H
#define OT_FUZZ_REPLAY_H

#include <stdio.h>
#include <stdlib.h>

static unsigned long long replay_rng;

static inline void replay_seed(const char *seed) { replay_rng = strtoull(seed, NULL, 10); }

static inline unsigned replay_rnd(void)
{
    replay_rng = replay_rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(replay_rng >> 33);
}

/* Runs each file (its first bufsize bytes) through each; returns the exit
 * status for main: 0, or 1 when a file can't be read. */
static inline int replay_files(const char *name, int nfiles, char **files,
                               void (*each)(const unsigned char *, size_t), size_t bufsize)
{
    unsigned char *buf = malloc(bufsize);
    if (!buf)
        return 1;
    for (int i = 0; i < nfiles; i++) {
        FILE *f = fopen(files[i], "rb");
        if (!f) {
            perror(files[i]);
            free(buf);
            return 1;
        }
        size_t len = fread(buf, 1, bufsize, f);
        fclose(f);
        each(buf, len);
    }
    free(buf);
    printf("%s: %d inputs replayed clean\n", name, nfiles);
    return 0;
}

#endif
