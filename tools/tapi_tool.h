/* Subcommands of the tapi tool. */
#ifndef TAPI_TOOL_H
#define TAPI_TOOL_H
int tapi_cmd_demo(int argc, char **argv);
int tapi_cmd_lines(int argc, char **argv);
#endif
