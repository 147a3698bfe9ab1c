// Top-level build file where you can add configuration options common to all sub-projects/modules.
plugins {
    alias(libs.plugins.android.application) apply false
    alias(libs.plugins.kotlin.android) apply false
    alias(libs.plugins.kotlin.compose) apply false
    alias(libs.plugins.android.library) apply false
    alias(libs.plugins.ksp) apply false
    alias(libs.plugins.protobuf) apply false
    alias(libs.plugins.gms.google.services) apply false
    alias(libs.plugins.firebase.crashlytics) apply false
    alias(libs.plugins.firebase.perf) apply false
    alias(libs.plugins.kotlin.plugin.serialization) apply false


    alias(libs.plugins.bilibilias.android.application) apply false
    alias(libs.plugins.bilibilias.android.library) apply false
    alias(libs.plugins.bilibilias.android.koin) apply false
    alias(libs.plugins.bilibilias.baidu.jar) apply false

}