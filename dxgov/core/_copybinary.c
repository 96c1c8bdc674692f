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


/* --- fast_row: a dossier row from a record the fast path decoded (ADR 18) ------------------
 *
 * fast_row(fast, agency_id, encode, deadline_of) -> dict | None
 *
 * The C twin of dxgov.dossiers.ingest.fast_row_python for a `schema.FastRecord`, with the
 * processing figures of `qd766.processing_values`. None (never an exception) whenever it meets
 * what it leaves to Python: a year before 1990, a failing callback, an unexpected type. The
 * Python function then builds the row (or the error) itself; the tests hold the two equal.
 *
 *   encode       msgspec's JSON encoder (the JSON lists, bytes)
 *   deadline_of  deadline_of(received_at, value, unit) -> datetime | None, called only when
 *                the record has a processing time and no due date (the working calendar)
 */

enum {
    K_CODE, K_PROCEDURE_CODE, K_AGENCY_ID, K_RECEIVED_MONTH, K_SUBMITTED_AT, K_RECEIVED_AT,
    K_DUE_AT, K_FINISHED_AT, K_PROCESSING_VALUE, K_PROCESSING_UNIT, K_CHANNEL, K_FILED_ON_DVCQG,
    K_STATUS, K_STATUS_HISTORY, K_RESULT_CODE, K_RESULT_FILE_URL, K_HAS_DIGITISED_COMPONENT,
    K_DOCUMENTS, K_VNEID_AUTHENTICATED, K_POPULATION_DB_CODE, K_FEES, K_FEE_TOTAL, K_PAID_ONLINE,
    K_SYNCED_TO_DVCQG, K_RATING, K_PETITIONS, K_UPDATED_AT, K_END_AT, K_SUPPLEMENT_SECONDS,
    K_SUPPLEMENT_REQUESTS, K_EFFECTIVE_DUE, K_LATE_BY_SUPPLEMENTS, K_HAS_E_RESULT, K_DIGITISED,
    K_FROM_PERSONAL_STORE, K_USES_POPULATION_DATA, K_PETITION_COUNT,
    /* attributes of the Structs */
    A_PROCESSING_TIME, A_VALUE, A_UNIT, A_AT, A_NAME_DIGITISED, A_FROM_PERSONAL_STORE,
    A_AMOUNT, A_HAS_DIGITISED_COMPONENT_ATTR,
    /* statuses */
    S_FINISHED, S_RETURNED, S_STOPPED, S_REJECTED, S_WITHDRAWN, S_SUPPLEMENT_REQUESTED,
    S_SUPPLEMENT_COMPLETED, S_EMPTY,
    N_NAMES
};

static const char *NAMES[N_NAMES] = {
    "code", "procedure_code", "agency_id", "received_month", "submitted_at", "received_at",
    "due_at", "finished_at", "processing_value", "processing_unit", "channel", "filed_on_dvcqg",
    "status", "status_history", "result_code", "result_file_url", "has_digitised_component",
    "documents", "vneid_authenticated", "population_db_code", "fees", "fee_total", "paid_online",
    "synced_to_dvcqg", "rating", "petitions", "updated_at", "end_at", "supplement_seconds",
    "supplement_requests", "effective_due", "late_by_supplements", "has_e_result", "digitised",
    "from_personal_store", "uses_population_data", "petition_count",
    "processing_time", "value", "unit", "at", "digitised", "from_personal_store",
    "amount", "has_digitised_component",
    "finished", "returned", "stopped", "rejected", "withdrawn", "supplement_requested",
    "supplement_completed", "",
};

static PyObject *names[N_NAMES];
static PyObject *empty_json; /* b"[]" */

#define MAX_HISTORY 1000
#define VIETNAM_OFFSET_MICROS (7LL * 3600 * 1000000)
#define YEAR_MIN 1990

typedef struct {
    PyObject *at;     /* borrowed (held by the record) */
    PyObject *status; /* borrowed */
    int64_t micros;
} Entry;

static int same(PyObject *text, int name) {
    /* Statuses are Literal strings that msgspec interns; fall back to comparing text. */
    if (text == names[name]) {
        return 1;
    }
    return PyUnicode_Check(text) && PyUnicode_Compare(text, names[name]) == 0;
}

static int end_rank(PyObject *status) {
    if (same(status, S_FINISHED)) {
        return 0;
    }
    if (same(status, S_RETURNED)) {
        return 1;
    }
    if (same(status, S_STOPPED) || same(status, S_REJECTED) || same(status, S_WITHDRAWN)) {
        return 2;
    }
    return -1;
}

/* An attribute, new reference; NULL with an error set. */
static PyObject *attr(PyObject *object, int name) {
    return PyObject_GetAttr(object, names[name]);
}

static int is_true(PyObject *value) {
    return value == Py_True;
}

static int micros_of(PyObject *value, int64_t *micros, ZoneCache *zones) {
    if (!PyDateTime_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "a datetime was expected");
        return -1;
    }
    return timestamp_micros(value, micros, zones);
}

static int set_item(PyObject *row, int key, PyObject *value) {
    /* Steals `value`. */
    if (value == NULL) {
        return -1;
    }
    int status = PyDict_SetItem(row, names[key], value);
    Py_DECREF(value);
    return status;
}

static int set_borrowed(PyObject *row, int key, PyObject *value) {
    return PyDict_SetItem(row, names[key], value);
}

static PyObject *json_list(PyObject *items, PyObject *encode) {
    if (items == Py_None || (PyList_Check(items) && PyList_GET_SIZE(items) == 0)) {
        Py_INCREF(empty_json);
        return empty_json;
    }
    return PyObject_CallOneArg(encode, items);
}

static PyObject *build_row(PyObject *fast, PyObject *agency_id, PyObject *encode,
                           PyObject *deadline_of, ZoneCache *zones) {
    PyObject *row = NULL, *code = NULL, *procedure_code = NULL, *received_at = NULL,
             *submitted_at = NULL, *due_at = NULL, *finished_at = NULL, *updated_at = NULL,
             *timing = NULL, *timing_value = NULL, *timing_unit = NULL, *channel = NULL,
             *history = NULL, *documents = NULL, *fees = NULL, *petitions = NULL,
             *result_code = NULL, *result_file_url = NULL, *population_db_code = NULL,
             *paid_online = NULL, *rating = NULL, *flag = NULL, *deadline = NULL,
             *effective_due = NULL;
    Entry *entries = NULL;
    PyObject *result = NULL;

#define GET(target, name)                                                                      \
    do {                                                                                       \
        target = attr(fast, name);                                                             \
        if (target == NULL) {                                                                  \
            goto done;                                                                         \
        }                                                                                      \
    } while (0)

    GET(code, K_CODE);
    GET(procedure_code, K_PROCEDURE_CODE);
    GET(received_at, K_RECEIVED_AT);
    GET(submitted_at, K_SUBMITTED_AT);
    GET(due_at, K_DUE_AT);
    GET(finished_at, K_FINISHED_AT);
    GET(updated_at, K_UPDATED_AT);
    GET(timing, A_PROCESSING_TIME);
    GET(channel, K_CHANNEL);
    GET(history, K_STATUS_HISTORY);
    GET(documents, K_DOCUMENTS);
    GET(fees, K_FEES);
    GET(petitions, K_PETITIONS);
    GET(result_code, K_RESULT_CODE);
    GET(result_file_url, K_RESULT_FILE_URL);
    GET(population_db_code, K_POPULATION_DB_CODE);
    GET(paid_online, K_PAID_ONLINE);
    GET(rating, K_RATING);
    if ((history != Py_None && !PyList_Check(history)) ||
        (documents != Py_None && !PyList_Check(documents)) ||
        (fees != Py_None && !PyList_Check(fees)) ||
        (petitions != Py_None && !PyList_Check(petitions)) || !PyDateTime_Check(received_at) ||
        PyDateTime_GET_YEAR(received_at) < YEAR_MIN) {
        goto done; /* Python's own path */
    }

    /* The month of receipt in Viet Nam (UTC+7 since 1975; records are from 1990). */
    int64_t received_micros;
    if (micros_of(received_at, &received_micros, zones) < 0) {
        goto done;
    }
    int64_t local_micros = received_micros + VIETNAM_OFFSET_MICROS;
    int64_t local_days = local_micros / 86400000000LL;
    if (local_micros % 86400000000LL < 0) {
        local_days -= 1;
    }
    /* civil_from_days (H. Hinnant), days from 2000-01-01 → from 1970-01-01 */
    int64_t z = local_days + PG_EPOCH_DAYS + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);

    /* The history, in the record's order, with each entry's instant. */
    Py_ssize_t count = history == Py_None ? 0 : PyList_GET_SIZE(history);
    if (count > MAX_HISTORY) {
        goto done;
    }
    entries = PyMem_Malloc(sizeof(Entry) * (size_t)(count ? count : 1));
    if (entries == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PyList_GET_ITEM(history, i);
        PyObject *at = attr(item, A_AT);
        if (at == NULL) {
            goto done;
        }
        PyObject *status = attr(item, K_STATUS);
        if (status == NULL) {
            Py_DECREF(at);
            goto done;
        }
        /* The entry (hence its values) is held by the record for the whole call. */
        Py_DECREF(at);
        Py_DECREF(status);
        entries[i].at = at;
        entries[i].status = status;
        if (micros_of(at, &entries[i].micros, zones) < 0) {
            goto done;
        }
    }

    /* The row's status: the latest entry's (the first listed among equal times). */
    PyObject *status = names[S_EMPTY];
    if (count) {
        Py_ssize_t latest = 0;
        for (Py_ssize_t i = 1; i < count; i++) {
            if (entries[i].micros > entries[latest].micros) {
                latest = i;
            }
        }
        status = entries[latest].status;
    }

    /* processing_values: the history sorted by time, stably (insertion sort; lists are short). */
    for (Py_ssize_t i = 1; i < count; i++) {
        Entry moving = entries[i];
        Py_ssize_t j = i - 1;
        while (j >= 0 && entries[j].micros > moving.micros) {
            entries[j + 1] = entries[j];
            j--;
        }
        entries[j + 1] = moving;
    }
    PyObject *end_at = NULL; /* borrowed */
    int64_t end_micros = 0;
    for (int rank = 0; rank < 3 && end_at == NULL; rank++) {
        for (Py_ssize_t i = 0; i < count; i++) {
            if (end_rank(entries[i].status) == rank) {
                end_at = entries[i].at;
                end_micros = entries[i].micros;
                break;
            }
        }
    }
    if (end_at == NULL && finished_at != Py_None) {
        end_at = finished_at;
        if (micros_of(finished_at, &end_micros, zones) < 0) {
            goto done;
        }
    }
    long long requests = 0, seconds = 0;
    PyObject *open_request = NULL;
    int64_t open_micros = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (same(entries[i].status, S_SUPPLEMENT_REQUESTED)) {
            requests += 1;
            if (open_request == NULL) {
                open_request = entries[i].at;
                open_micros = entries[i].micros;
            }
        } else if (open_request != NULL && same(entries[i].status, S_SUPPLEMENT_COMPLETED)) {
            int64_t stop = entries[i].micros;
            if (end_at != NULL && end_micros < stop) {
                stop = end_micros;
            }
            int64_t elapsed = stop - open_micros;
            /* int(total_seconds()) truncates; max(0, ...) */
            seconds += elapsed > 0 ? elapsed / 1000000 : 0;
            open_request = NULL;
        }
    }
    if (requests == 1 && open_request != NULL && (end_at == NULL || open_micros < end_micros)) {
        end_at = open_request;
    }

    /* The deadline: the due date, else from the processing time (Python: the calendar). */
    if (timing != Py_None) {
        timing_value = attr(timing, A_VALUE);
        timing_unit = timing_value == NULL ? NULL : attr(timing, A_UNIT);
        if (timing_unit == NULL) {
            goto done;
        }
    }
    if (due_at != Py_None) {
        deadline = due_at;
        Py_INCREF(deadline);
    } else if (timing != Py_None) {
        deadline = PyObject_CallFunctionObjArgs(deadline_of, received_at, timing_value,
                                                timing_unit, NULL);
        if (deadline == NULL) {
            goto done;
        }
    } else {
        deadline = Py_None;
        Py_INCREF(deadline);
    }
    if (deadline == Py_None) {
        effective_due = Py_None;
        Py_INCREF(effective_due);
    } else {
        PyObject *delta = PyDelta_FromDSU((int)(seconds / 86400), (int)(seconds % 86400), 0);
        if (delta == NULL) {
            goto done;
        }
        effective_due = PyNumber_Add(deadline, delta);
        Py_DECREF(delta);
        if (effective_due == NULL) {
            goto done;
        }
    }

    /* Documents and fees. */
    int digitised_component = 0, vneid = 0, digitised = 0, from_store = 0;
    GET(flag, A_HAS_DIGITISED_COMPONENT_ATTR);
    digitised_component = is_true(flag);
    Py_CLEAR(flag);
    GET(flag, K_VNEID_AUTHENTICATED);
    vneid = is_true(flag);
    Py_CLEAR(flag);
    digitised = digitised_component;
    Py_ssize_t documents_count = documents == Py_None ? 0 : PyList_GET_SIZE(documents);
    for (Py_ssize_t i = 0; i < documents_count; i++) {
        PyObject *document = PyList_GET_ITEM(documents, i);
        flag = attr(document, A_NAME_DIGITISED);
        if (flag == NULL) {
            goto done;
        }
        digitised |= is_true(flag);
        Py_CLEAR(flag);
        flag = attr(document, A_FROM_PERSONAL_STORE);
        if (flag == NULL) {
            goto done;
        }
        from_store |= is_true(flag);
        Py_CLEAR(flag);
    }
    long long fee_total = 0;
    Py_ssize_t fees_count = fees == Py_None ? 0 : PyList_GET_SIZE(fees);
    for (Py_ssize_t i = 0; i < fees_count; i++) {
        PyObject *amount = attr(PyList_GET_ITEM(fees, i), A_AMOUNT);
        if (amount == NULL) {
            goto done;
        }
        int overflow = 0;
        long long value = PyLong_AsLongLongAndOverflow(amount, &overflow);
        Py_DECREF(amount);
        if ((value == -1 && PyErr_Occurred()) || overflow ||
            __builtin_add_overflow(fee_total, value, &fee_total)) {
            goto done;
        }
    }

    row = PyDict_New();
    if (row == NULL) {
        goto done;
    }
    int failed =
        set_borrowed(row, K_CODE, code) || set_borrowed(row, K_PROCEDURE_CODE, procedure_code) ||
        set_borrowed(row, K_AGENCY_ID, agency_id) ||
        set_item(row, K_RECEIVED_MONTH, PyDate_FromDate((int)year, (int)month, 1)) ||
        set_borrowed(row, K_SUBMITTED_AT, submitted_at) ||
        set_borrowed(row, K_RECEIVED_AT, received_at) || set_borrowed(row, K_DUE_AT, due_at) ||
        set_borrowed(row, K_FINISHED_AT, finished_at) ||
        set_borrowed(row, K_PROCESSING_VALUE, timing == Py_None ? Py_None : timing_value) ||
        set_borrowed(row, K_PROCESSING_UNIT, timing == Py_None ? names[S_EMPTY] : timing_unit) ||
        (channel == Py_None ? set_item(row, K_CHANNEL, PyLong_FromLong(1))
                            : set_borrowed(row, K_CHANNEL, channel));
    if (failed) {
        goto done;
    }
    GET(flag, K_FILED_ON_DVCQG);
    failed = set_borrowed(row, K_FILED_ON_DVCQG, is_true(flag) ? Py_True : Py_False);
    Py_CLEAR(flag);
    if (failed) {
        goto done;
    }
    PyObject *plain_result_code = result_code == Py_None ? names[S_EMPTY] : result_code;
    PyObject *plain_result_url = result_file_url == Py_None ? names[S_EMPTY] : result_file_url;
    PyObject *plain_population =
        population_db_code == Py_None ? names[S_EMPTY] : population_db_code;
    int e_result = PyObject_IsTrue(plain_result_code) && PyObject_IsTrue(plain_result_url);
    int population = vneid || PyObject_IsTrue(plain_population);
    failed =
        set_borrowed(row, K_STATUS, status) ||
        set_item(row, K_STATUS_HISTORY, json_list(history, encode)) ||
        set_borrowed(row, K_RESULT_CODE, plain_result_code) ||
        set_borrowed(row, K_RESULT_FILE_URL, plain_result_url) ||
        set_borrowed(row, K_HAS_DIGITISED_COMPONENT, digitised_component ? Py_True : Py_False) ||
        set_item(row, K_DOCUMENTS, json_list(documents, encode)) ||
        set_borrowed(row, K_VNEID_AUTHENTICATED, vneid ? Py_True : Py_False) ||
        set_borrowed(row, K_POPULATION_DB_CODE, plain_population) ||
        set_item(row, K_FEES, json_list(fees, encode)) ||
        set_item(row, K_FEE_TOTAL, PyLong_FromLongLong(fee_total)) ||
        (paid_online == Py_None ? set_item(row, K_PAID_ONLINE, PyLong_FromLong(0))
                                : set_borrowed(row, K_PAID_ONLINE, paid_online));
    if (failed) {
        goto done;
    }
    GET(flag, K_SYNCED_TO_DVCQG);
    failed = set_borrowed(row, K_SYNCED_TO_DVCQG, is_true(flag) ? Py_True : Py_False);
    Py_CLEAR(flag);
    Py_ssize_t petition_count = petitions == Py_None ? 0 : PyList_GET_SIZE(petitions);
    failed = failed || set_borrowed(row, K_RATING, rating) ||
             set_item(row, K_PETITIONS, json_list(petitions, encode)) ||
             set_borrowed(row, K_UPDATED_AT, updated_at) ||
             set_borrowed(row, K_END_AT, end_at == NULL ? Py_None : end_at) ||
             set_item(row, K_SUPPLEMENT_SECONDS, PyLong_FromLongLong(seconds)) ||
             set_item(row, K_SUPPLEMENT_REQUESTS, PyLong_FromLongLong(requests)) ||
             set_borrowed(row, K_EFFECTIVE_DUE, effective_due) ||
             set_borrowed(row, K_LATE_BY_SUPPLEMENTS, requests >= 2 ? Py_True : Py_False) ||
             set_borrowed(row, K_HAS_E_RESULT, e_result ? Py_True : Py_False) ||
             set_borrowed(row, K_DIGITISED, digitised ? Py_True : Py_False) ||
             set_borrowed(row, K_FROM_PERSONAL_STORE, from_store ? Py_True : Py_False) ||
             set_borrowed(row, K_USES_POPULATION_DATA, population ? Py_True : Py_False) ||
             set_item(row, K_PETITION_COUNT, PyLong_FromSsize_t(petition_count));
    if (failed) {
        goto done;
    }
    result = row;
    row = NULL;

done:
#undef GET
    PyMem_Free(entries);
    Py_XDECREF(row);
    Py_XDECREF(code);
    Py_XDECREF(procedure_code);
    Py_XDECREF(received_at);
    Py_XDECREF(submitted_at);
    Py_XDECREF(due_at);
    Py_XDECREF(finished_at);
    Py_XDECREF(updated_at);
    Py_XDECREF(timing);
    Py_XDECREF(timing_value);
    Py_XDECREF(timing_unit);
    Py_XDECREF(channel);
    Py_XDECREF(history);
    Py_XDECREF(documents);
    Py_XDECREF(fees);
    Py_XDECREF(petitions);
    Py_XDECREF(result_code);
    Py_XDECREF(result_file_url);
    Py_XDECREF(population_db_code);
    Py_XDECREF(paid_online);
    Py_XDECREF(rating);
    Py_XDECREF(flag);
    Py_XDECREF(deadline);
    Py_XDECREF(effective_due);
    return result;
}

/* Zones met by fast_row, kept between calls: msgspec shares one zone object per offset, so a
 * batch meets the same one or two for every record. Up to 8 are held for the process's life;
 * the GIL is held throughout, so calls never interleave. */
static ZoneCache row_zones = {.count = 0};

static PyObject *fast_row(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *fast, *agency_id, *encode, *deadline_of;
    if (!PyArg_ParseTuple(args, "OOOO:fast_row", &fast, &agency_id, &encode, &deadline_of)) {
        return NULL;
    }
    PyObject *row = build_row(fast, agency_id, encode, deadline_of, &row_zones);
    if (row == NULL) {
        PyErr_Clear(); /* Python's own path says what went wrong */
        Py_RETURN_NONE;
    }
    return row;
}

static PyMethodDef methods[] = {
    {"encode_rows", encode_rows, METH_VARARGS,
     "encode_rows(rows, columns, kinds, json_bytes) -> bytes: rows in binary COPY format."},
    {"fast_row", fast_row, METH_VARARGS,
     "fast_row(fast, agency_id, encode, deadline_of) -> dict | None: a dossier row."},
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
    for (int i = 0; i < N_NAMES; i++) {
        names[i] = PyUnicode_InternFromString(NAMES[i]);
        if (names[i] == NULL) {
            return NULL;
        }
    }
    empty_json = PyBytes_FromString("[]");
    if (empty_json == NULL) {
        return NULL;
    }
    return PyModule_Create(&module);
}
