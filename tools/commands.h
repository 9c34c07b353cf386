/*
** The subcommands of `norm` other than compile/disasm/version (which live in norm.c).
** Each takes argv starting at the subcommand's name and returns an exit status.
*/
#ifndef NORM_COMMANDS_H
#define NORM_COMMANDS_H

extern const char *const usage_check;
int cmd_check(int argc, char **argv);

extern const char *const usage_test;
int cmd_test(int argc, char **argv);

extern const char *const usage_diff;
int cmd_diff(int argc, char **argv);

extern const char *const usage_doc;
int cmd_doc(int argc, char **argv);

extern const char *const usage_lint;
int cmd_lint(int argc, char **argv);

extern const char *const usage_fmt;
int cmd_fmt(int argc, char **argv);

extern const char *const usage_graph;
int cmd_graph(int argc, char **argv);

/* norm-serve (tools/cmd_serve.c), a separate executable that `norm serve` runs */
extern const char *const usage_serve;
int cmd_serve(int argc, char **argv);

extern const char *const usage_audit;
int cmd_audit(int argc, char **argv);
int audit_replay_cmd(int argc, char **argv);   /* argv starts at "replay" */

#endif
