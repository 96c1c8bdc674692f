/* Rows in PostgreSQL's binary COPY format, written in one pass (ADR 18).
 *
 * encode_rows(rows, columns, kinds, json_bytes) -> bytes
 *
 *   rows       a list of dicts (or any mappings), each holding every name of `columns`
 *   columns    a tuple of column names, in the COPY statement's order
 *   kinds      a str with one letter per column (see dxgov/core/copybinary.py):
 *                q int8, i int4, h int2, ? bool, t text/varchar, D date,
 *                T timestamptz, d float8, j jsonb
 *   json_bytes called for a jsonb value that is neither bytes nor str; returns its JSON text
 *
 * The result is the rows only (no signature, no trailer). Each value is encoded as psycopg's
 * own binary dumpers encode it for that type (the tests compare the two byte for byte); None
 * is NULL in any column. A value of the wrong type raises TypeError, an integer out of its
 * column's range OverflowError: the caller's transaction then fails as psycopg's would.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    char *data;
    Py_ssize_t size;
    Py_ssize_t capacity;
} Buffer;

static int buffer_reserve(Buffer *buffer, Py_ssize_t more) {
    if (buffer->size + more <= buffer->capacity) {
        return 0;
    }
    Py_ssize_t capacity = buffer->capacity ? buffer->capacity : 65536;
    while (capacity < buffer->size + more) {
        capacity *= 2;
    }
    char *data = PyMem_Realloc(buffer->data, (size_t)capacity);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    buffer->data = data;
    buffer->capacity = capacity;
    return 0;
}

static void put_u16(char *at, uint16_t value) {
    at[0] = (char)(value >> 8);
    at[1] = (char)(value & 0xff);
}

static void put_u32(char *at, uint32_t value) {
    for (int i = 3; i >= 0; i--) {
        at[i] = (char)(value & 0xff);
        value >>= 8;
    }
}

static void put_u64(char *at, uint64_t value) {
    for (int i = 7; i >= 0; i--) {
        at[i] = (char)(value & 0xff);
        value >>= 8;
    }
}

/* A field: its length (4 bytes) and `length` bytes of data. */
static int put_field(Buffer *buffer, const char *data, Py_ssize_t length) {
    if (length > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "a value longer than 2 GB cannot be copied");
        return -1;
    }
    if (buffer_reserve(buffer, 4 + length) < 0) {
        return -1;
    }
    put_u32(buffer->data + buffer->size, (uint32_t)length);
    if (length) {
        memcpy(buffer->data + buffer->size + 4, data, (size_t)length);
    }
    buffer->size += 4 + length;
    return 0;
}

static int put_fixed(Buffer *buffer, uint64_t value, int width) {
    char data[8];
    if (width == 8) {
        put_u64(data, value);
    } else if (width == 4) {
        put_u32(data, (uint32_t)value);
    } else if (width == 2) {
        put_u16(data, (uint16_t)value);
    } else {
        data[0] = (char)value;
    }
    return put_field(buffer, data, width);
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static const int64_t PG_EPOCH_DAYS = 10957; /* 2000-01-01 - 1970-01-01 */

static int64_t date_days(PyObject *value) {
    return days_from_civil(PyDateTime_GET_YEAR(value), PyDateTime_GET_MONTH(value),
                           PyDateTime_GET_DAY(value)) -
           PG_EPOCH_DAYS;
}

/* The offsets of fixed-offset zones (datetime.timezone) seen in one call: their utcoffset()
 * does not depend on the datetime, and every row of a batch carries the same one or two.
 * The zones are held by the rows, so their addresses stay valid for the call. */
typedef struct {
    PyObject *zone;
    int64_t offset;
} ZoneOffset;

typedef struct {
    ZoneOffset entries[8];
    int count;
} ZoneCache;

/* Microseconds from 2000-01-01 00:00 UTC to an aware datetime. */
static int timestamp_micros(PyObject *value, int64_t *micros, ZoneCache *cache) {
    PyObject *tzinfo = PyDateTime_DATE_GET_TZINFO(value);
    int64_t offset = 0; /* microseconds east of UTC */
    if (tzinfo == Py_None) {
        PyErr_SetString(PyExc_TypeError, "a timestamptz value must be an aware datetime");
        return -1;
    }
    if (tzinfo != PyDateTime_TimeZone_UTC) {
        int found = 0;
        for (int i = 0; i < cache->count; i++) {
            if (cache->entries[i].zone == tzinfo) {
                offset = cache->entries[i].offset;
                found = 1;
                break;
            }
        }
        if (!found) {
            PyObject *delta = PyObject_CallMethod(tzinfo, "utcoffset", "O", value);
            if (delta == NULL) {
                return -1;
            }
            if (!PyDelta_Check(delta)) {
                Py_DECREF(delta);
                PyErr_SetString(PyExc_TypeError, "a timestamptz value must be an aware datetime");
                return -1;
            }
            offset = ((int64_t)PyDateTime_DELTA_GET_DAYS(delta) * 86400 +
                      PyDateTime_DELTA_GET_SECONDS(delta)) *
                         1000000 +
                     PyDateTime_DELTA_GET_MICROSECONDS(delta);
            Py_DECREF(delta);
            /* Only datetime.timezone itself is known to be fixed (zoneinfo's are not). */
            if (Py_IS_TYPE(tzinfo, Py_TYPE(PyDateTime_TimeZone_UTC)) && cache->count < 8) {
                Py_INCREF(tzinfo);
                cache->entries[cache->count].zone = tzinfo;
                cache->entries[cache->count].offset = offset;
                cache->count++;
            }
        }
    }
    int64_t seconds = date_days(value) * 86400 + PyDateTime_DATE_GET_HOUR(value) * 3600 +
                      PyDateTime_DATE_GET_MINUTE(value) * 60 + PyDateTime_DATE_GET_SECOND(value);
    *micros = seconds * 1000000 + PyDateTime_DATE_GET_MICROSECOND(value) - offset;
    return 0;
}

static void zones_release(ZoneCache *cache) {
    for (int i = 0; i < cache->count; i++) {
        Py_DECREF(cache->entries[i].zone);
    }
    cache->count = 0;
}

static int wrong_type(PyObject *value, PyObject *column, const char *expected) {
    PyErr_Format(PyExc_TypeError, "column %S: expected %s, got %s", column, expected,
                 Py_TYPE(value)->tp_name);
    return -1;
}

static int put_integer(Buffer *buffer, PyObject *value, PyObject *column, int width) {
    if (!PyLong_Check(value)) {
        return wrong_type(value, column, "int");
    }
    int overflow = 0;
    long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (number == -1 && PyErr_Occurred()) {
        return -1;
    }
    long long low = width == 8 ? INT64_MIN : width == 4 ? INT32_MIN : INT16_MIN;
    long long high = width == 8 ? INT64_MAX : width == 4 ? INT32_MAX : INT16_MAX;
    if (overflow || number < low || number > high) {
        PyErr_Format(PyExc_OverflowError, "column %S: %S is out of range", column, value);
        return -1;
    }
    return put_fixed(buffer, (uint64_t)number, width);
}

static int put_text(Buffer *buffer, PyObject *value, PyObject *column) {
    if (!PyUnicode_Check(value)) {
        return wrong_type(value, column, "str");
    }
    Py_ssize_t length;
    const char *text = PyUnicode_AsUTF8AndSize(value, &length);
    if (text == NULL) {
        return -1;
    }
    return put_field(buffer, text, length);
}

static int put_json(Buffer *buffer, PyObject *value, PyObject *column, PyObject *json_bytes) {
    /* jsonb's binary input: a version byte (1), then the JSON text. */
    const char *text;
    Py_ssize_t length;
    PyObject *made = NULL;
    if (PyBytes_Check(value)) {
        text = PyBytes_AS_STRING(value);
        length = PyBytes_GET_SIZE(value);
    } else if (PyUnicode_Check(value)) {
        text = PyUnicode_AsUTF8AndSize(value, &length);
        if (text == NULL) {
            return -1;
        }
    } else {
        made = PyObject_CallOneArg(json_bytes, value);
        if (made == NULL) {
            return -1;
        }
        if (!PyBytes_Check(made)) {
            Py_DECREF(made);
            return wrong_type(value, column, "JSON text from json_bytes");
        }
        text = PyBytes_AS_STRING(made);
        length = PyBytes_GET_SIZE(made);
    }
    int failed = length >= INT32_MAX || buffer_reserve(buffer, 5 + length) < 0;
    if (!failed) {
        put_u32(buffer->data + buffer->size, (uint32_t)(length + 1));
        buffer->data[buffer->size + 4] = 1;
        memcpy(buffer->data + buffer->size + 5, text, (size_t)length);
        buffer->size += 5 + length;
    } else if (!PyErr_Occurred()) {
        PyErr_SetString(PyExc_OverflowError, "a value longer than 2 GB cannot be copied");
    }
    Py_XDECREF(made);
    return failed ? -1 : 0;
}

static int put_value(Buffer *buffer, PyObject *value, PyObject *column, char kind,
                     PyObject *json_bytes, ZoneCache *zones) {
    if (value == Py_None) {
        if (buffer_reserve(buffer, 4) < 0) {
            return -1;
        }
        put_u32(buffer->data + buffer->size, 0xffffffffu);
        buffer->size += 4;
        return 0;
    }
    switch (kind) {
    case 'q':
        return put_integer(buffer, value, column, 8);
    case 'i':
        return put_integer(buffer, value, column, 4);
    case 'h':
        return put_integer(buffer, value, column, 2);
    case '?': {
        int truth = PyObject_IsTrue(value);
        return truth < 0 ? -1 : put_fixed(buffer, (uint64_t)truth, 1);
    }
    case 't':
        return put_text(buffer, value, column);
    case 'D':
        if (!PyDate_Check(value)) {
            return wrong_type(value, column, "date");
        }
        return put_fixed(buffer, (uint64_t)(int64_t)(int32_t)date_days(value), 4);
    case 'T': {
        if (!PyDateTime_Check(value)) {
            return wrong_type(value, column, "datetime");
        }
        int64_t micros;
        if (timestamp_micros(value, &micros, zones) < 0) {
            return -1;
        }
        return put_fixed(buffer, (uint64_t)micros, 8);
    }
    case 'd': {
        double number = PyFloat_AsDouble(value);
        if (number == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        uint64_t bits;
        memcpy(&bits, &number, sizeof bits);
        return put_fixed(buffer, bits, 8);
    }
    case 'j':
        return put_json(buffer, value, column, json_bytes);
    default:
        PyErr_Format(PyExc_ValueError, "column %S: unknown kind %c", column, kind);
        return -1;
    }
}

static PyObject *encode_rows(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *rows, *columns, *kinds_object, *json_bytes;
    if (!PyArg_ParseTuple(args, "OO!UO:encode_rows", &rows, &PyTuple_Type, &columns,
                          &kinds_object, &json_bytes)) {
        return NULL;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(columns);
    Py_ssize_t kinds_length;
    const char *kinds = PyUnicode_AsUTF8AndSize(kinds_object, &kinds_length);
    if (kinds == NULL) {
        return NULL;
    }
    if (kinds_length != count || count > INT16_MAX) {
        PyErr_SetString(PyExc_ValueError, "one kind per column, at most 32767 columns");
        return NULL;
    }
    PyObject *sequence = PySequence_Fast(rows, "rows must be a sequence");
    if (sequence == NULL) {
        return NULL;
    }
    Buffer buffer = {NULL, 0, 0};
    ZoneCache zones = {.count = 0};
    Py_ssize_t total = PySequence_Fast_GET_SIZE(sequence);
    PyObject **items = PySequence_Fast_ITEMS(sequence);
    for (Py_ssize_t r = 0; r < total; r++) {
        PyObject *row = items[r];
        if (buffer_reserve(&buffer, 2) < 0) {
            goto failed;
        }
        put_u16(buffer.data + buffer.size, (uint16_t)count);
        buffer.size += 2;
        for (Py_ssize_t c = 0; c < count; c++) {
            PyObject *column = PyTuple_GET_ITEM(columns, c);
            PyObject *value;
            if (PyDict_CheckExact(row)) {
                value = PyDict_GetItemWithError(row, column);
                if (value == NULL) {
                    if (!PyErr_Occurred()) {
                        PyErr_SetObject(PyExc_KeyError, column);
                    }
                    goto failed;
                }
                Py_INCREF(value);
            } else {
                value = PyObject_GetItem(row, column);
                if (value == NULL) {
                    goto failed;
                }
            }
            int status = put_value(&buffer, value, column, kinds[c], json_bytes, &zones);
            Py_DECREF(value);
            if (status < 0) {
                goto failed;
            }
        }
    }
    Py_DECREF(sequence);
    zones_release(&zones);
    PyObject *result = PyBytes_FromStringAndSize(buffer.data ? buffer.data : "", buffer.size);
    PyMem_Free(buffer.data);
    return result;

failed:
    Py_DECREF(sequence);
    zones_release(&zones);
    PyMem_Free(buffer.data);
    return NULL;
}

static PyMethodDef methods[] = {
    {"encode_rows", encode_rows, METH_VARARGS,
     "encode_rows(rows, columns, kinds, json_bytes) -> bytes: rows in binary COPY format."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_copybinary", "Rows in PostgreSQL's binary COPY format.", -1, methods,
};

PyMODINIT_FUNC PyInit__copybinary(void) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) {
        return NULL;
    }
    return PyModule_Create(&module);
}
