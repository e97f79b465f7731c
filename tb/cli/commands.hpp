// SPDX-License-Identifier: Apache-2.0
#pragma once
// The subcommands of `waferbench`. Each returns the process exit code: 0 success, 1 a failed
// golden check or simulation; bad input is thrown as sw::InputError (exit 2, from main).
namespace wb::cli {

int gemm_command(int argc, char** argv);
int run_command(int argc, char** argv);
int bench_command(int argc, char** argv);
int bench_worker_command(int argc, char** argv);
int noc_command(int argc, char** argv);
int sparsity_command(int argc, char** argv);
int fabric_bench_command(int argc, char** argv);
int train_command(int argc, char** argv);
int whatif_command(int argc, char** argv);
int sweep_command(int argc, char** argv);
int sweep_worker_command(int argc, char** argv);

}  // namespace wb::cli
