// The generated headers compile as C++ too (extern "C", enum-typed fields), as libvmaf's do.
#include <libvmaf/libvmaf.h>
#include <libvmaf/version.h>

#include <cstring>

int main()
{
    VmafPicture pic;
    if (vmaf_picture_alloc(&pic, VMAF_PIX_FMT_YUV420P, 8, 16, 16) != 0) return 1;
    enum VmafPixelFormat fmt = pic.pix_fmt; // the field has the enum type
    VmafConfiguration cfg = {VMAF_LOG_LEVEL_NONE, 0, 0, 0, 0};
    VmafContext *vmaf = nullptr;
    int err = vmaf_init(&vmaf, cfg);
    err |= vmaf_picture_unref(&pic);
    err |= vmaf_close(vmaf);
    return err != 0 || fmt != VMAF_PIX_FMT_YUV420P || std::strcmp(vmaf_version(), "3.2.0") != 0 ||
           VMAF_API_VERSION_MAJOR != 3;
}
