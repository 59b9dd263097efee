#!/usr/bin/env bats
# runtime-rlimits.bats - process.rlimits and oomScoreAdj.

load ../lib
load ../runtime

runtime_hooks

@test "rlimits are set before exec" {
	bundle_edit '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}, {"type": "RLIMIT_NPROC", "soft": 77, "hard": 77}]'
	bundle_args sh -c 'ulimit -n; ulimit -Hn; ulimit -u'
	run sl_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 123 ]
	[ "${lines[1]}" = 456 ]
	[ "${lines[2]}" = 77 ]
}

@test "a hard limit above the caller's is refused" {
	hard=$(as_user sh -c 'ulimit -Hn')
	bundle_edit ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": $((hard + 1))}]"
	run sl_run
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: process.rlimits[0]: setrlimit: Operation not permitted" ]
	assert_no_leftovers
}

@test "oomScoreAdj is applied" {
	bundle_edit '.process.oomScoreAdj = 500'
	bundle_args cat /proc/self/oom_score_adj
	run sl_run
	[ "$status" -eq 0 ]
	[ "$output" = 500 ]
}
