// Command beam groups news stories with an Apache Beam pipeline, for
// archives too large for one machine: the newsdup detector's copy tier and
// story tier as stages that a runner spreads over workers. It reads JSON
// Lines stories (the input of the cluster command) and writes one JSON line
// per story with its cluster and verdict (the cluster command's output
// line):
//
//	go run . --input stories.jsonl --output verdicts.jsonl
//	go run . --input 'archive/*.jsonl' --output out/verdicts --output-shards 64
//	go run . -h
//
// By default the pipeline runs in this process on the prism runner; --runner
// names another runner of the Beam Go SDK (dataflow, flink, spark, with that
// runner's flags). README.md describes the stages, what each scales with,
// how the results compare with the cluster command's, and how the job would
// run over a billion stories.
//
// Bad input (a line that is not a JSON object with an id and a text, a bad
// date, a text the detector refuses, a repeated id, a line longer than
// --max-line) fails the run with the file, the line and the reason; with
// --skip-bad each is reported as a warning, counted, and gets no output
// line. The exit status is 0 on success, 1 when the run fails and 2 for bad
// flags.
package main
