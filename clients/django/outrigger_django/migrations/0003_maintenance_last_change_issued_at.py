from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outrigger', '0002_job_run_results'),
    ]

    operations = [
        migrations.AddField(
            model_name='maintenancestate',
            name='last_change_issued_at',
            field=models.CharField(blank=True, default='', max_length=32),
        ),
    ]
