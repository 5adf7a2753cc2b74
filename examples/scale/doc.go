// Command scale streams a million news stories through one dedup.Detector
// and reports, as it goes, how fast stories are added and how much memory
// the process holds, to show that a detector with a time window runs in
// bounded memory on an endless stream.
//
//	go run ./examples/scale                       # 1,000,000 stories, 72-hour window, 120 days
//	go run ./examples/scale -n 200000 -every 20000
//	go run ./examples/scale -cpuprofile cpu.out   # then: go tool pprof -top -cum cpu.out
//	go run ./examples/scale -h
//
// # The stream
//
// The stories are made from the Reuters-21578 stories that have a body
// (-reuters, or the NEWSDUP_REUTERS environment variable, or by default
// shared/datasets/reuters21578/articles.jsonl beside the repository; the run
// stops with a message saying how to point at the file when it is not
// there). Each story of the stream is, with a seeded random choice (-seed),
// either an edited version of a random Reuters story (each sentence dropped
// with probability 0.1, neighbouring words swapped with probability 0.02 a
// word, numbers changed with probability 0.3, three sentences a paragraph)
// or, one time in ten, a republication of one of the 2,000 stories before it
// (half of them cut after a sentence between 40% and 90% of the text, a
// third under an "UPDATE - " headline). Every story gets a new id. The -n
// stories (default 1,000,000) are dated evenly over -days days (default
// 120) from 2024-01-01, in time order, so the detector's window (-window,
// default 72 hours) holds n·window/span of them, 25,000 at the defaults.
//
// Reuters-21578 has 19,043 stories with a body, so a stream of a million
// holds about 47 versions of each by its end, ten times as many as at
// 100,000 stories: the work of comparing a story with the other versions
// of its story grows along the stream, where in a real feed it is set by
// how often a story is republished, not by how many stories are held.
// -variants v (default 1) makes v variants of each Reuters story, each
// word of which (but the 100 most frequent) is replaced by another word of
// about its frequency in the Reuters stories (one of the 32 words of
// consecutive frequency rank around it), so that variants share no
// shingles while keeping the story's shape, length and word frequencies.
// The edited stories are then drawn from the next 19,043 variants in the
// order of all of them, as far in as the stream has gone: each variant is
// live for about 1/(v-1) of the stream and gets its versions there, so
// that with -n 1000000 -variants 10 a story has about as many versions
// held when a million stories are held as the plain stream has at 100,000.
//
// # The report
//
// Every -every stories (default 100,000) one line gives the stories so far,
// stories per second over the interval, with the stream generated and
// with Add alone, and, after a forced garbage
// collection, the heap in use and the memory obtained from the system
// (runtime.MemStats HeapInuse and Sys), the resident set size
// (/proc/self/statm, 0 where it does not exist), and the stories and
// clusters the detector holds, and the share of the CPU time the process
// used over the interval that went to garbage collection (runtime/metrics
// estimates, which the runtime updates as each collection ends: 0 over an
// interval in which none ended). The time the readings take is left out of the rates.
//
// At the end: whether memory went flat (the heap in use grew by at most
// -flat, 10% by default, between the first and the last readings taken once
// twice the window's stories have passed); the overall rate, and the rate
// of Add alone; the garbage collector's share of the CPU time over the
// whole stream; the 50th, 90th, 99th and 99.9th percentiles and the maximum
// of the time one Add takes (every Add is counted in a histogram of
// 1/8-octave buckets, so a percentile is an upper bound at most 12.5% above
// the true value); the verdict counts; and two estimates of memory per
// story: the heap in use at the end above the reading before the stream,
// divided by the stories held, and the memory an lsh.Index with the
// detector's banding takes for the stories of the last window, built on its
// own after the stream (signatures not counted).
//
// -cpuprofile and -memprofile write profiles of the stream for go tool pprof;
// with -cpuprofile-from k the CPU profile starts after story k, and with
// -cpuprofile-for m it ends m stories later, so that profiles of two
// stretches of one stream compare the cost of an Add with few stories held
// and with many.
// -stop k ends the run after the first k stories of the -n stories of the
// stream, which are the same stories as in a run of the whole stream. The
// readings of one run on a shared machine reflect how busy the machine was
// at each stretch as much as the stories held; -stop measures the first
// stretch again, as many times as it fits, alongside a run of the whole
// stream (each run on a core of its own, GOMAXPROCS=1 taskset -c N), so
// that the first and the last stretch are compared in the same conditions.
// -stalltrace keeps the last second or so of an execution trace in memory
// and writes it out after each Add slower than -stall (20 ms) and than all
// before it, so that the slowest Add of the run is the last "Add" region of
// the file: go tool trace shows what it waited for (a garbage collection,
// the scheduler) or, with -cpuprofile on too, where it spent its time.
package main
