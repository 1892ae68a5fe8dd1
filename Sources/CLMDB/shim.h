// The module map cannot name <lmdb.h> directly (it would be resolved relative to this folder),
// so it includes this one-line header instead.
#include <lmdb.h>
