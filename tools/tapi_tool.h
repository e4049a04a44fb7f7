/* Subcommands of the tapi tool. */
#ifndef TAPI_TOOL_H
#define TAPI_TOOL_H
int tapi_cmd_demo(int argc, char **argv);
int tapi_cmd_lines(int argc, char **argv);
/* tools/tapi_sip.c, in builds with the SIP provider (weak in tapi.c) */
int tapi_cmd_answer(int argc, char **argv);
int tapi_cmd_call(int argc, char **argv);
/* tools/tapi_server.c: the telephony service (tapisrv) in the foreground */
int tapi_cmd_server(int argc, char **argv);
/* tools/tapi_monitor.c: every message of lines opened as monitor */
int tapi_cmd_monitor(int argc, char **argv);
#endif
