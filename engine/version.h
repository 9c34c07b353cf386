/*
** The version of norm, in results, the audit log and `norm version`.
*/
#ifndef NORM_VERSION_H
#define NORM_VERSION_H

#define NORM_VERSION "0.2.0"

#endif
